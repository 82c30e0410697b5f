/**
 * An after-the-fact check of built argv (the plan's promise, measured in bench/plan-repo.bench.ts
 * and the tests): every option word of each variant's server argv is accepted by the server's
 * parser at the commit that variant runs, every option word of the client by the client's parser
 * at `client_from`, and a multi-GPU task's parallel size equals its GPU count.
 */
import { acceptFlag, type ParserFlags } from './engine-flags/parser-flags.js';
import type { Variant } from '../schemas.js';
import type { TaskArgv } from './variant-argv.js';

export interface ArgvProblem {
  variant: Variant;
  side: 'server' | 'client';
  problem: string;
}

/** Option words of an argv (`--flag`, `--flag=value`, `-tp`); values and negative numbers are not options. */
function optionWordsOf(argv: readonly string[]): string[] {
  // The program's own words: `python3 -m module`, `python3 script.py`, `vllm serve`, `vllm bench serve`.
  let start = 1;
  if (/python/.test(argv[0] ?? '')) start = argv[1] === '-m' ? 3 : 2;
  else if (argv[0] === 'vllm') start = argv[1] === 'bench' ? 3 : 2;
  return argv.slice(start).filter((w) => /^--?[A-Za-z]/.test(w));
}

function parallelSize(argv: readonly string[]): number {
  const value = (names: string[]) => {
    for (let i = 0; i < argv.length; i++) {
      const w = argv[i]!;
      for (const n of names) {
        if (w === n) return Number(argv[i + 1]);
        if (w.startsWith(`${n}=`)) return Number(w.slice(n.length + 1));
      }
    }
    return 1;
  };
  return (
    value(['--tensor-parallel-size', '-tp', '--tensor_parallel_size']) *
    value(['--pipeline-parallel-size', '-pp', '--pipeline_parallel_size'])
  );
}

export function checkTaskArgv(
  argv: TaskArgv,
  opts: {
    gpus: number;
    runCommit: (v: Variant) => string;
    serverParser: (commit: string) => ParserFlags | undefined;
    clientParser: (commit: string) => ParserFlags | undefined;
  },
): ArgvProblem[] {
  const problems: ArgvProblem[] = [];
  for (const [variant, a] of Object.entries(argv) as Array<[Variant, NonNullable<TaskArgv[Variant]>]>) {
    const sides: Array<['server' | 'client', string[], ParserFlags | undefined, string]> = [
      ['client', a.client, opts.clientParser(a.client_from), a.client_from],
    ];
    if (a.server) sides.push(['server', a.server, opts.serverParser(opts.runCommit(variant)), opts.runCommit(variant)]);
    for (const [side, words, parser, commit] of sides) {
      if (!parser) {
        problems.push({ variant, side, problem: `no parser at ${commit.slice(0, 12)}` });
        continue;
      }
      for (const w of optionWordsOf(words)) {
        const m = acceptFlag(parser, w);
        if (!m.ok)
          problems.push({
            variant,
            side,
            problem: `${w} is not accepted by ${parser.files[0]} at ${commit.slice(0, 12)}`,
          });
      }
    }
    if (opts.gpus > 1) {
      const size = parallelSize(a.server ?? a.client);
      if (size !== opts.gpus)
        problems.push({
          variant,
          side: a.server ? 'server' : 'client',
          problem: `parallel size ${size} on ${opts.gpus} GPUs`,
        });
    }
  }
  return problems;
}
