/**
 * `benchsweep demo`: the whole flow (plan, images, three variants, report) on the bundled demo engine
 * in real Docker containers, no GPU. Exits non-zero when Docker is unreachable or no task got three
 * successes. The flow itself is run/demo.ts.
 */
import type { Command } from 'commander';
import { emit, log, UserError } from '../cli-output.js';
import type { Report } from '../core/report/report.js';
import { demoShortfall, runDemo as runDemoFlow, type DemoRun } from '../run/demo.js';
import type { CommandResult } from './command-result.js';

export interface DemoOptions {
  results?: string;
  repeats?: number;
  warmup?: boolean;
  keep?: boolean;
  cacheDir?: string;
}

function renderDemoText(run: DemoRun): string {
  const lines = [
    run.markdown.trimEnd(),
    '',
    `Records: ${run.records.length} (${run.records.filter((r) => r.status === 'success').length} success) in ${run.resultsDir}`,
    `Logs:    ${run.resultsDir}/<task>/logs/<variant>/attempt-<n>/sample-<k>/{server,client}.log`,
    `Report:  benchsweep report --results ${run.resultsDir}`,
    run.kept ? `Engine repository kept at ${run.repoDir}` : 'The demo engine repository was removed (--keep keeps it).',
    `Took ${run.seconds.toFixed(0)} s, ${run.images.builds} image build(s).`,
  ];
  return lines.join('\n');
}

export async function runDemo(options: DemoOptions): Promise<CommandResult<Report> & { reason?: string }> {
  if (options.repeats !== undefined && (!Number.isInteger(options.repeats) || options.repeats < 1)) {
    throw new UserError(`--repeats: expected a positive integer, got ${options.repeats}`);
  }
  const run = await runDemoFlow({
    ...(options.results ? { resultsDir: options.results } : {}),
    repeats: options.repeats ?? 5,
    warmup: options.warmup ?? false,
    keep: options.keep ?? false,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    log,
  });
  log(`results and logs: ${run.resultsDir}`);
  log(`image builds: ${run.images.builds}`);
  const shortfall = demoShortfall(run.report);
  return {
    value: run.report,
    text: renderDemoText(run),
    summary: run.markdown,
    outputs: { results: run.resultsDir, builds: String(run.images.builds) },
    ...(shortfall ? { failed: true, reason: shortfall } : {}),
  };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole flow on the bundled demo engine (CPU, Docker): plan, three variants with repeats, report')
    .option('--results <dir>', 'where records and logs go (default: a temporary folder, kept)')
    .option('--repeats <n>', 'samples per variant (5: enough for a rank test at p < 0.05)', (v) => Number(v), 5)
    .option('--warmup', 'one uncounted warm-up sample per variant')
    .option('--keep', 'keep the demo engine repository and image cache')
    .option('--cache-dir <dir>', 'a persistent artifact cache: a rerun with it builds nothing')
    .option('--json', 'print the report as one JSON document')
    .action(async (opts: DemoOptions & { json?: boolean }) => {
      const result = await runDemo(opts);
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
      if (result.failed) {
        // The report still went to stdout (it says what failed); the exit status says the demo did not work.
        log(`benchsweep demo FAILED: ${result.reason ?? 'no task got three successes'}`);
        process.exitCode = 1;
      }
    });
}
