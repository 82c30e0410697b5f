import type { Command } from 'commander';
import { stat, readFile } from 'node:fs/promises';
import { emit, log, UserError } from '../cli-output.js';
import { loadResultRecords } from '../adapters/results-dir.js';
import { writeReports, type ReportFormat } from '../adapters/report-files.js';
import { buildReport, type Report, type SummaryClaim } from '../core/report.js';
import { renderMarkdown } from '../core/report-markdown.js';
import { renderHtml } from '../core/report-html.js';
import { fitSummary } from '../core/github-surfaces.js';
import { redact, secretValues } from '../core/redact.js';
import type { CommandResult } from './command-result.js';

export interface ReportOptions {
  /** Directory of result records (searched recursively). */
  results: string;
  /** What `text` holds: md (default), json or html. */
  format?: ReportFormat;
  /** Also write report.json, report.md and report.html here. */
  out?: string;
  /** Relative change that a win must exceed (default 0.02). */
  threshold?: number;
  /** Prefix for log links in the markdown (e.g. the run's artifact URL). */
  logsBaseUrl?: string;
  /** JSON file of summaries to check against the rows: SummaryClaim or SummaryClaim[]. */
  claims?: string;
  /** Fixed timestamp for the report (reproducible output); default now. */
  generatedAt?: string;
}

async function loadClaims(file: string): Promise<SummaryClaim[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UserError(`--claims ${file}: ${(e as Error).message}`);
  }
  const list = Array.isArray(raw) ? raw : [raw];
  for (const c of list) {
    if (!c || typeof c !== 'object' || typeof (c as { source?: unknown }).source !== 'string') {
      throw new UserError(`--claims ${file}: each claim needs a "source" string`);
    }
  }
  return list as SummaryClaim[];
}

export async function runReport(options: ReportOptions): Promise<CommandResult<Report>> {
  const info = await stat(options.results).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`--results ${options.results}: not a directory`);
  if (options.format && !['md', 'json', 'html'].includes(options.format)) {
    throw new UserError(`--format: expected md, json or html, got ${options.format}`);
  }
  if (options.threshold !== undefined && !(options.threshold > 0 && options.threshold < 1)) {
    throw new UserError(`--threshold: expected a fraction between 0 and 1 (0.02 = 2%), got ${options.threshold}`);
  }
  const loaded = await loadResultRecords(options.results);
  const notes = loaded.errors.map((e) => `${e.file}: ${e.message} (skipped)`);
  if (loaded.records.length === 0) notes.push(`no result records under ${options.results}`);
  const built = buildReport(loaded.records, {
    notes,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    ...(options.claims ? { claims: await loadClaims(options.claims) } : {}),
  });
  // Evidence excerpts come from logs: no secret of this environment leaves through the report.
  const secrets = secretValues(process.env);
  const report: Report = secrets.length > 0 ? (JSON.parse(redact(JSON.stringify(built), secrets)) as Report) : built;
  const mdOptions = options.logsBaseUrl ? { logsBaseUrl: options.logsBaseUrl } : {};
  const markdown = renderMarkdown(report, mdOptions);
  if (options.out) await writeReports(options.out, report, { markdown: mdOptions });
  const format = options.format ?? 'md';
  const text = format === 'json' ? JSON.stringify(report, null, 2) : format === 'html' ? renderHtml(report) : markdown;
  const c = report.counts;
  return {
    value: report,
    text,
    summary: fitSummary(markdown),
    outputs: {
      tasks: String(c.tasks),
      evaluable: String(c.evaluable),
      'agent-wins': String(c.agent_wins),
      'human-wins': String(c.human_wins),
      tie: String(c.tie),
      'agent-failed': String(c.agent_failed),
      'not-evaluable': String(c.not_evaluable),
      counts: JSON.stringify(c),
      ...(options.out ? { 'report-dir': options.out } : {}),
    },
  };
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('merge result records of many jobs into the three-way report (markdown, JSON, HTML)')
    .requiredOption('--results <dir>', 'directory of result records (searched recursively)')
    .option('--format <format>', 'md | json | html (json prints the report JSON document)')
    .option('--out <dir>', 'also write report.json, report.md and report.html to this directory')
    .option('--threshold <fraction>', 'change a win must exceed (default 0.02)', (v) => Number(v))
    .option('--logs-base-url <url>', 'prefix for log links in the markdown')
    .option('--claims <file>', 'JSON summaries to check against the rows ({ source, counts, winners })')
    .option('--json', 'print one JSON document (the report)')
    .action(async (opts: ReportOptions & { json?: boolean }) => {
      const result = await runReport(opts);
      for (const n of result.value.notes) log(`note: ${n}`);
      const json = !!opts.json || opts.format === 'json';
      emit({ json, value: result.value, text: () => result.text });
    });
}
