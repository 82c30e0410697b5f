/**
 * Engine bugs that break a benchmark kind on a range of engine versions, whatever the commit
 * changes. A row applies to builds in [from, until): `until` is the first release without the bug
 * as far as the evidence goes.
 */
import type { BenchmarkKind } from '../../schemas.js';
import type { Version } from '../engine-version.js';

export interface VersionBugRow {
  id: string;
  /** Builds at or after this release... */
  from: Version;
  /** ...and before this one are affected. */
  until: Version;
  /** The benchmark kinds the bug breaks. */
  kinds: BenchmarkKind[];
  /** The bug needs pipeline parallelism of at least this size (`--pipeline-parallel-size`). */
  minPipelineParallel?: number;
  description: string;
  suggestion: string;
  source: string;
}

export const VERSION_BUGS: VersionBugRow[] = [
  {
    id: 'serving-port-binding',
    // The seeds saw it on 0.6.3.post2.dev* and 0.6.4.post2.dev* builds (5 commits); builds after
    // v0.6.5 served in the same runs (b55ed6ef succeeded), so the range ends there.
    from: [0, 6, 3],
    until: [0, 6, 5],
    kinds: ['serving'],
    // vllm#8791 is "Port binding failure when using pp > 1": with one pipeline stage the server
    // binds its socket before the engine starts (create_server_socket, SO_REUSEADDR) and serves;
    // the 0.6.3/0.6.4 builds of 25ebed2f, f092153f and b2e0ad3b run pp = 1 (research/preflight-vs-vllm-history.md).
    minPipelineParallel: 2,
    description:
      'vLLM 0.6.3–0.6.4 builds with pipeline parallelism > 1 fail to bind the OpenAI server port, so the serving benchmark never starts',
    suggestion:
      'Run the throughput benchmark (benchmarks/benchmark_throughput.py with the same model and lengths) instead of the serving benchmark, and record the change of kind as a caveat.',
    source: 'vllm#8791',
  },
];
