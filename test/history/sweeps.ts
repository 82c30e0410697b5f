/**
 * Nightly reports for the history tests, built the way `benchsweep report` builds them (buildReport
 * over result records): four tasks (serving, throughput, latency, one whose agent always hits OOM),
 * five samples per variant with half a percent of seeded noise, and knobs for a real regression.
 */
import { buildReport, type Report } from '../../src/core/report/report.js';
import { seededRandom } from '../../src/core/compare/compare-stats.js';
import type { ResultRecord } from '../../src/core/schemas.js';

export const TASKS = {
  serving: '67da5720',
  throughput: '8aa1485f',
  latency: 'b10e0e15',
  oom: 'ce75a7c1',
} as const;

interface TaskSpec {
  id: string;
  kind: 'serving' | 'throughput' | 'latency';
  metric: string;
  base: number;
  human: number;
  agent: number;
  agentCategory?: 'OOM';
}

const SPECS: TaskSpec[] = [
  { id: TASKS.serving, kind: 'serving', metric: 'output_throughput', base: 2377, human: 1.06, agent: 1.04 },
  { id: TASKS.throughput, kind: 'throughput', metric: 'tokens_per_second', base: 5120, human: 1.1, agent: 1.02 },
  { id: TASKS.latency, kind: 'latency', metric: 'avg_latency', base: 1.84, human: 0.9, agent: 0.93 },
  {
    id: TASKS.oom,
    kind: 'serving',
    metric: 'output_throughput',
    base: 910,
    human: 1.05,
    agent: 1,
    agentCategory: 'OOM',
  },
];

export interface SweepKnobs {
  /** Seed of the noise: each night differs a little. */
  seed: number;
  /** Multiply one task's variant (e.g. { task: TASKS.throughput, variant: 'agent', factor: 0.85 }). */
  change?: { task: string; variant: 'baseline' | 'human' | 'agent'; factor: number };
  samples?: number;
  /** Only these tasks. */
  only?: string[];
  generatedAt?: string;
}

export function nightlyRecords(knobs: SweepKnobs): ResultRecord[] {
  const random = seededRandom(knobs.seed);
  const n = knobs.samples ?? 5;
  const records: ResultRecord[] = [];
  for (const spec of SPECS) {
    if (knobs.only && !knobs.only.includes(spec.id)) continue;
    for (const variant of ['baseline', 'human', 'agent'] as const) {
      if (variant === 'agent' && spec.agentCategory) {
        records.push({
          task: spec.id,
          variant,
          attempt: 1,
          status: 'failed',
          kind: spec.kind,
          category: spec.agentCategory,
          metrics: {},
          samples: [],
          caveats: [],
        });
        continue;
      }
      const factor = variant === 'baseline' ? 1 : spec[variant];
      const extra =
        knobs.change && knobs.change.task === spec.id && knobs.change.variant === variant ? knobs.change.factor : 1;
      const samples = Array.from({ length: n }, () => ({
        [spec.metric]: Number((spec.base * factor * extra * (1 + (random() - 0.5) * 0.01)).toFixed(4)),
      }));
      records.push({
        task: spec.id,
        variant,
        attempt: 1,
        status: 'success',
        kind: spec.kind,
        metrics: {},
        samples,
        caveats: [],
        gpus: 1,
      });
    }
  }
  return records;
}

export function nightlyReport(knobs: SweepKnobs): Report {
  return buildReport(nightlyRecords(knobs), {
    generatedAt: knobs.generatedAt ?? `2026-11-${String(10 + (knobs.seed % 18)).padStart(2, '0')}T02:17:00Z`,
  });
}
