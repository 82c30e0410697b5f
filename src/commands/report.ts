/**
 * `benchsweep report`: the merged three-way report from a results folder (json, md, html);
 * `--max-chars N` prints exactly what a capped PR comment holds. A missing or empty folder is an error.
 */
import type { Command } from 'commander';
import { stat, readFile } from 'node:fs/promises';
import { emit, log, UserError } from '../cli-output.js';
import { loadResultRecords } from '../adapters/results-dir.js';
import { writeReports, type ReportFormat } from '../adapters/report-files.js';
import { buildReport, type Report, type SummaryClaim } from '../core/report/report.js';
import { renderMarkdown } from '../core/report/report-markdown.js';
import { renderHtml } from '../core/report/report-html.js';
import { cappedReport, reportSummary } from '../core/github/github-surfaces.js';
import { findSecrets, redactDeep } from '../core/redact.js';
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
  /** md: at most this many characters, exactly as a capped PR comment or check run holds the report. */
  maxChars?: number;
  /** Where the whole report is (the report artifact's URL), named when a capped report cuts rows. */
  fullReportUrl?: string;
}

/**
 * No results to report: the folder is missing, or holds no result record. An error (exit 2), never
 * a green "0 tasks" report that would overwrite the sticky comment. `reason` tells the two apart.
 */
export class NoResultsError extends UserError {
  override name = 'NoResultsError';
  readonly code = 'NO_RESULTS';
  constructor(
    readonly results: string,
    readonly reason: 'missing' | 'empty',
    message: string,
  ) {
    super(message);
  }
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
  if (!info?.isDirectory()) {
    throw new NoResultsError(
      options.results,
      'missing',
      `--results ${options.results}: not a directory (no job left results? a wrong path?); no report written`,
    );
  }
  if (options.maxChars !== undefined && !(Number.isInteger(options.maxChars) && options.maxChars > 0)) {
    throw new UserError(`--max-chars: expected a positive integer, got ${options.maxChars}`);
  }
  if (options.format && !['md', 'json', 'html'].includes(options.format)) {
    throw new UserError(`--format: expected md, json or html, got ${options.format}`);
  }
  if (options.threshold !== undefined && !(options.threshold > 0 && options.threshold < 1)) {
    throw new UserError(`--threshold: expected a fraction between 0 and 1 (0.02 = 2%), got ${options.threshold}`);
  }
  const loaded = await loadResultRecords(options.results);
  const notes = loaded.errors.map((e) => `${e.file}: ${e.message} (skipped)`);
  if (loaded.records.length === 0) {
    const why =
      loaded.errors.length > 0
        ? ` (${loaded.errors.length} file(s) are not valid records, e.g. ${loaded.errors[0]!.file}: ${loaded.errors[0]!.message})`
        : '';
    throw new NoResultsError(
      options.results,
      'empty',
      `--results ${options.results}: no result record${why}; no report written`,
    );
  }
  const built = buildReport(loaded.records, {
    notes,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    ...(options.claims ? { claims: await loadClaims(options.claims) } : {}),
  });
  // Evidence excerpts come from logs: no secret of this environment leaves through the report.
  const { values: secrets, warnings } = findSecrets(process.env);
  for (const w of warnings) log(`warning: ${w}`);
  // Each string redacted in place: redacting the serialized JSON could break it (core/redact.ts redactDeep).
  const report: Report = redactDeep(built, secrets);
  const mdOptions = {
    ...(options.logsBaseUrl ? { logsBaseUrl: options.logsBaseUrl } : {}),
    ...(options.fullReportUrl ? { fullReportUrl: options.fullReportUrl } : {}),
  };
  const markdown = renderMarkdown(report, mdOptions);
  if (options.out) await writeReports(options.out, report, { markdown: mdOptions });
  const format = options.format ?? 'md';
  const md = options.maxChars !== undefined ? cappedReport(report, options.maxChars, '', mdOptions) : markdown;
  const text = format === 'json' ? JSON.stringify(report, null, 2) : format === 'html' ? renderHtml(report) : md;
  const c = report.counts;
  return {
    value: report,
    text,
    summary: reportSummary(report, mdOptions),
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
    .option(
      '--max-chars <n>',
      'md: at most N characters, exactly what a capped PR comment holds (per-task rows cut first)',
      (v) => Number(v),
    )
    .option('--full-report-url <url>', 'where the whole report is (named when rows are cut)')
    .option('--claims <file>', 'JSON summaries to check against the rows ({ source, counts, winners })')
    .option('--json', 'print one JSON document (the report)')
    .action(async (opts: ReportOptions & { json?: boolean }) => {
      const result = await runReport(opts);
      for (const n of result.value.notes) log(`note: ${n}`);
      const json = !!opts.json || opts.format === 'json';
      emit({ json, value: result.value, text: () => result.text });
    });
}
