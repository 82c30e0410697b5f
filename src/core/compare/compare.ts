/**
 * The three-way verdict of one task: baseline (parent), human (commit) and agent (parent + patch).
 *
 * Rules (DESIGN.md "Three-way outcomes", seeds 000/002/003):
 * - The primary metric is output_throughput (serving), tokens_per_second (throughput) or avg_latency
 *   (latency, lower is better), unless the task's records name another (record.primary_metric).
 * - A ratio is variant / reference as measured. A win needs a change beyond the threshold (2%) AND
 *   significance: with >= 3 samples on each side, a seeded 95% bootstrap interval of the ratio of
 *   medians that excludes 1 and a two-sided Mann–Whitney p < 0.05 (when the sample sizes cannot
 *   reach p < 0.05 at all, e.g. 3 vs 3, the interval alone decides and a caveat says so). With fewer
 *   samples the threshold alone decides and the comparison is marked single_sample.
 * - The smallest change the samples could have detected (80% power, 5% two-sided) is reported, so a
 *   "tie" never hides "could not tell".
 * - An agent whose patch breaks a variant that runs for the human is a valid result (agent_failed);
 *   infrastructure failures and a broken human or baseline are not (not_evaluable).
 * - Human and agent must run the identical workload (kind, model, argv): any difference makes the
 *   task not evaluable. A baseline that ran another workload leaves agent vs human valid (the seeds'
 *   "model mismatch, A vs H valid") and withholds the vs-baseline ratios.
 */
import { CATEGORIES, type Category } from '../taxonomy.js';
import { VARIANTS, type ResultRecord, type Variant } from '../schemas.js';
import { bootstrapRatioCi, mannWhitney, median, sampleSd } from './compare-stats.js';
import { FALLBACKS, PRIMARY } from '../metrics/parse.js';

export const DEFAULT_THRESHOLD = 0.02;
export const DEFAULT_BOOTSTRAP_ITERATIONS = 2000;
export const DEFAULT_SEED = 20260110;
/** Significance level of the rank test and the confidence level of the interval. */
export const ALPHA = 0.05;
/** Samples per side from which statistics (interval, rank test) are used instead of the bare threshold. */
export const MIN_SAMPLES_FOR_STATISTICS = 3;
/** z(0.975) + z(0.80): two-sided 5% test with 80% power. */
const MDC_Z = 1.959964 + 0.841621;

export const OUTCOMES = ['agent_wins', 'human_wins', 'tie', 'agent_failed', 'not_evaluable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const EVALUABILITY = [
  'valid_three_way',
  'human_agent_only',
  'model_mismatch',
  'agent_failed',
  'agent_infra_failed',
  'agent_not_run',
  'human_failed',
  'baseline_failed',
  'all_failed',
  'not_run',
  'workload_mismatch',
  'no_results',
] as const;
export type Evaluability = (typeof EVALUABILITY)[number];

/** Failures of the agent's variant that are the patch's doing when the human's variant ran. */
export const AGENT_FAULT_CATEGORIES: ReadonlySet<string> = new Set<Category>([
  'PATCH_FAILED',
  'PATCH_REJECTED',
  'BUILD_FAILED',
  'BROKEN_BUILD',
  'DEPENDENCY_CONFLICT',
  'SERVER_CRASH',
  'SERVER_TIMEOUT',
  'OOM',
  'BENCHMARK_FAILED',
  'BENCHMARK_TIMEOUT',
  'NO_METRICS',
]);

/** Agent failures decided on the patch alone, before anything runs. */
const PATCH_CATEGORIES: ReadonlySet<string> = new Set<Category>(['PATCH_FAILED', 'PATCH_REJECTED']);

export interface PrimaryMetricRule {
  metric: string;
  higherIsBetter: boolean;
  /** Tried in order when a variant lacks the primary metric (older vLLM output). */
  fallbacks: string[];
}

/** Per kind, from the one table in metrics/parse.ts (PRIMARY, FALLBACKS): what a sample calls its primary metric is what the comparison compares. */
export const PRIMARY_METRIC_BY_KIND: Record<'serving' | 'throughput' | 'latency', PrimaryMetricRule> = {
  serving: ruleOf('serving'),
  throughput: ruleOf('throughput'),
  latency: ruleOf('latency'),
};

function ruleOf(kind: 'serving' | 'throughput' | 'latency'): PrimaryMetricRule {
  return {
    metric: PRIMARY[kind].name,
    higherIsBetter: PRIMARY[kind].higherIsBetter,
    fallbacks: FALLBACKS[kind].map((f) => f.name),
  };
}

/** Direction of a metric by its name: latencies and durations down, rates and throughputs up. */
function higherIsBetterFor(metric: string): boolean {
  if (/latency|_ms$|ttft|tpot|itl|e2el|duration|^failed$/.test(metric)) return false;
  return true;
}

export type VariantStatus = 'success' | 'failed' | 'skipped' | 'missing';

export interface VariantResult {
  status: VariantStatus;
  /** Median of the samples' primary metric (null unless success). */
  value: number | null;
  samples?: number[];
  category?: string;
  attempt?: number;
  log?: string;
  evidence?: string;
}

export interface Comparison {
  /** variant / reference of the primary metric, as measured. */
  ratio: number | null;
  ci: [number, number] | null;
  significant: boolean | null;
  p_value?: number;
  /** Decided by the threshold alone (fewer than 3 samples on a side). */
  single_sample?: boolean;
  /** Relative change the samples could detect (80% power); null without spread (fewer than 2 samples a side). */
  min_detectable_change?: number | null;
  /** Direction-aware: the variant is better / worse than the reference beyond the threshold (and significantly), or the same. */
  verdict: 'better' | 'worse' | 'same' | null;
  note?: string;
}

export interface TaskComparison {
  task: string;
  kind?: string;
  primary_metric: string;
  higher_is_better: boolean;
  gpus?: number;
  model?: string;
  variants: Record<Variant, VariantResult>;
  human_vs_baseline: Comparison;
  agent_vs_baseline: Comparison;
  agent_vs_human: Comparison;
  outcome: Outcome;
  reason?: string;
  evaluability: Evaluability;
  caveats: string[];
  /** Share of the human's improvement over baseline that the agent reached (1 = all of it); null unless the human clearly improved. */
  captured_share: number | null;
  /** agent vs human: the smallest relative change these samples could have detected. */
  min_detectable_change: number | null;
  /** Facts about the records themselves (a summary that disagrees with its samples, a success without metrics). */
  notes: string[];
}

export interface CompareOptions {
  threshold?: number;
  primaryMetric?: string;
  higherIsBetter?: boolean;
  bootstrapIterations?: number;
  seed?: number;
}

const NO_COMPARISON: Comparison = { ratio: null, ci: null, significant: null, verdict: null };

function isUsable(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

/** Latest attempt per variant. */
function latestPerVariant(records: readonly ResultRecord[]): Partial<Record<Variant, ResultRecord>> {
  const latest: Partial<Record<Variant, ResultRecord>> = {};
  for (const record of records) {
    const current = latest[record.variant];
    if (!current || (record.attempt ?? 1) >= (current.attempt ?? 1)) latest[record.variant] = record;
  }
  return latest;
}

function primaryRule(
  byVariant: Partial<Record<Variant, ResultRecord>>,
  opts: CompareOptions,
  caveats: string[],
): PrimaryMetricRule {
  const present = VARIANTS.map((v) => byVariant[v]).filter((r): r is ResultRecord => r !== undefined);
  const kind = present.find((r) => r.status === 'success' && r.kind)?.kind ?? present.find((r) => r.kind)?.kind;
  const byKind = kind ? PRIMARY_METRIC_BY_KIND[kind] : undefined;
  const named =
    opts.primaryMetric ?? byVariant.human?.primary_metric ?? present.find((r) => r.primary_metric)?.primary_metric;
  const declared = new Set(present.map((r) => r.primary_metric).filter((m): m is string => !!m));
  if (!opts.primaryMetric && declared.size > 1)
    caveats.push(`variants declare different primary metrics (${[...declared].join(', ')}); used ${named}`);
  if (named) {
    return { metric: named, higherIsBetter: opts.higherIsBetter ?? higherIsBetterFor(named), fallbacks: [] };
  }
  if (byKind) return { ...byKind, higherIsBetter: opts.higherIsBetter ?? byKind.higherIsBetter };
  // No kind recorded (records from other tools): infer from the metric names present.
  const keys = new Set(present.flatMap((r) => Object.keys(r.metrics ?? {})));
  for (const rule of [
    PRIMARY_METRIC_BY_KIND.serving,
    PRIMARY_METRIC_BY_KIND.throughput,
    PRIMARY_METRIC_BY_KIND.latency,
  ]) {
    if (keys.has(rule.metric)) return { ...rule, higherIsBetter: opts.higherIsBetter ?? rule.higherIsBetter };
  }
  const any = [...keys].sort()[0] ?? 'output_throughput';
  return { metric: any, higherIsBetter: opts.higherIsBetter ?? higherIsBetterFor(any), fallbacks: [] };
}

function samplesOf(record: ResultRecord, metric: string): number[] {
  const fromSamples = (record.samples ?? []).map((s) => s[metric]).filter(isUsable);
  if (fromSamples.length > 0) return fromSamples;
  const single = record.metrics?.[metric];
  return isUsable(single) ? [single] : [];
}

/** One side against a reference (also used by `history check`: one statistic for every comparison). */
export function compareSides(
  a: VariantResult,
  b: VariantResult,
  higherIsBetter: boolean,
  threshold: number,
  iterations: number,
  seed: number,
): Comparison {
  if (a.value === null || b.value === null || !a.samples || !b.samples) return { ...NO_COMPARISON };
  const ratio = a.value / b.value;
  const beyond = Math.abs(ratio - 1) > threshold;
  const better = higherIsBetter ? ratio > 1 : ratio < 1;
  const na = a.samples.length;
  const nb = b.samples.length;
  const mdc =
    na >= 2 && nb >= 2
      ? (MDC_Z * Math.sqrt(sampleSd(a.samples) ** 2 / na + sampleSd(b.samples) ** 2 / nb)) / b.value
      : null;
  if (na < MIN_SAMPLES_FOR_STATISTICS || nb < MIN_SAMPLES_FOR_STATISTICS) {
    return {
      ratio,
      ci: null,
      significant: null,
      single_sample: true,
      min_detectable_change: mdc,
      verdict: beyond ? (better ? 'better' : 'worse') : 'same',
    };
  }
  const ci = bootstrapRatioCi(a.samples, b.samples, iterations, seed);
  const rank = mannWhitney(a.samples, b.samples);
  const ciExcludesOne = ci[0] > 1 || ci[1] < 1;
  const rankCanDecide = rank.minAttainableP < ALPHA;
  const significant = ciExcludesOne && (rankCanDecide ? rank.p < ALPHA : true);
  const comparison: Comparison = {
    ratio,
    ci,
    significant,
    p_value: rank.p,
    min_detectable_change: mdc,
    verdict: beyond && significant ? (better ? 'better' : 'worse') : 'same',
  };
  if (!rankCanDecide) {
    comparison.note = `${na} vs ${nb} samples cannot reach p < ${ALPHA} in a rank test (smallest p ${rank.minAttainableP.toFixed(3)}): the bootstrap interval alone decided significance`;
  }
  return comparison;
}

function pct(ratio: number): string {
  const change = (ratio - 1) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(2)}%`;
}

function describeVariant(variant: Variant, result: VariantResult): string {
  if (result.status === 'success') return `${variant} ran`;
  if (result.status === 'missing') return `${variant} has no result`;
  return `${variant} ${result.status}${result.category ? ` (${result.category})` : ''}`;
}

/** The workload fields the run engine records (src/run/sweep.ts): model, client argv, server argv. */
function workloadOf(record: ResultRecord | undefined): {
  kind?: string;
  model?: string;
  argv?: string;
  server_argv?: string;
} {
  if (!record) return {};
  const r = record as Record<string, unknown>;
  return {
    kind: record.kind,
    model: str(r['model']),
    argv: str(r['argv']) ?? str(r['command']),
    server_argv: str(r['server_argv']),
  };
}

function workloadDifferences(x: ResultRecord | undefined, y: ResultRecord | undefined): string[] {
  const wx = workloadOf(x);
  const wy = workloadOf(y);
  const out: string[] = [];
  for (const field of ['kind', 'model', 'argv', 'server_argv'] as const) {
    const vx = wx[field];
    const vy = wy[field];
    if (vx !== undefined && vy !== undefined && vx !== vy)
      out.push(`${field} ${JSON.stringify(vx)} vs ${JSON.stringify(vy)}`);
  }
  return out;
}

function fixesOf(record: ResultRecord): string[] {
  const r = record as Record<string, unknown>;
  const ids: string[] = [];
  for (const key of ['fixes', 'fix_recipes', 'fixes_applied']) {
    const value = r[key];
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (typeof item === 'string') ids.push(item);
      else if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string')
        ids.push((item as { id: string }).id);
    }
  }
  return [...new Set(ids)];
}

function listVariants(vs: readonly Variant[]): string {
  return vs.join(', ');
}

/** What decideOutcome reads: the variants' results and the comparisons already made. */
export interface OutcomeFacts {
  variants: Record<Variant, VariantResult>;
  /** Whether any variant left a record at all. */
  anyRecord: boolean;
  /** Workload differences between human and agent (kind, model, argv); empty when identical. */
  humanAgentDiff: readonly string[];
  /** The baseline succeeded and ran the same workload as human and agent. */
  baselineComparable: boolean;
  agentVsHuman: Comparison;
  threshold: number;
}

export interface OutcomeDecision {
  outcome: Outcome;
  evaluability: Evaluability;
  reason: string;
  /** A caveat the decision adds to the comparison (a workload mismatch). */
  caveat?: string;
}

/**
 * The outcome chain: the first rule that matches decides. Pure, so it is tested as a table
 * (test/compare/decide-outcome.test.ts).
 */
export function decideOutcome(facts: OutcomeFacts): OutcomeDecision {
  const { variants, humanAgentDiff, baselineComparable, agentVsHuman, threshold } = facts;
  const ok = (v: Variant) => variants[v].status === 'success';
  const agent = variants.agent;
  const described = VARIANTS.map((v) => describeVariant(v, variants[v]).slice(v.length + 1));
  const status = described.every((d) => d === described[0])
    ? `all variants ${described[0]}`
    : VARIANTS.map((v, i) => `${v} ${described[i]}`).join('; ');

  if (!facts.anyRecord) return { outcome: 'not_evaluable', evaluability: 'no_results', reason: 'no result records' };
  if (agent.status === 'failed' && PATCH_CATEGORIES.has(agent.category ?? '') && !ok('human')) {
    // A patch that does not apply, or that moves the goalposts, fails whatever the human's run did.
    return {
      outcome: 'agent_failed',
      evaluability: 'agent_failed',
      reason: `the agent's patch was refused before any run (${agent.category}); ${describeVariant('human', variants.human)}`,
    };
  }
  if (ok('human') && ok('agent')) {
    if (humanAgentDiff.length > 0) {
      const reason = `human and agent ran different workloads: ${humanAgentDiff.join('; ')}`;
      return { outcome: 'not_evaluable', evaluability: 'workload_mismatch', reason, caveat: reason };
    }
    const evaluability: Evaluability = baselineComparable
      ? 'valid_three_way'
      : ok('baseline')
        ? 'model_mismatch'
        : 'human_agent_only';
    const verdict = agentVsHuman.verdict;
    const outcome: Outcome = verdict === 'better' ? 'agent_wins' : verdict === 'worse' ? 'human_wins' : 'tie';
    let reason = verdictReason(agentVsHuman, outcome, threshold);
    if (evaluability === 'human_agent_only') reason += `; ${describeVariant('baseline', variants.baseline)}`;
    return { outcome, evaluability, reason };
  }
  if (ok('human') && agent.status === 'failed') {
    if (!agent.category || AGENT_FAULT_CATEGORIES.has(agent.category)) {
      return {
        outcome: 'agent_failed',
        evaluability: 'agent_failed',
        reason: `the agent's variant failed${agent.category ? ` (${agent.category})` : ' (no category recorded)'} where the human's ran`,
      };
    }
    return {
      outcome: 'not_evaluable',
      evaluability: 'agent_infra_failed',
      reason:
        `the agent's variant failed for a reason that is not the patch's (${agent.category}): ${CATEGORIES[agent.category as Category]?.action ?? ''}`.trim(),
    };
  }
  if (ok('human'))
    return { outcome: 'not_evaluable', evaluability: 'agent_not_run', reason: `no agent result (${agent.status})` };
  if (VARIANTS.every((v) => variants[v].status === 'skipped' || variants[v].status === 'missing'))
    return { outcome: 'not_evaluable', evaluability: 'not_run', reason: status };
  if (VARIANTS.every((v) => variants[v].status === 'failed'))
    return { outcome: 'not_evaluable', evaluability: 'all_failed', reason: status };
  if (variants.baseline.status === 'failed' && variants.human.status !== 'success')
    return { outcome: 'not_evaluable', evaluability: 'baseline_failed', reason: status };
  return {
    outcome: 'not_evaluable',
    evaluability: 'human_failed',
    reason: `${status}${ok('agent') && ok('baseline') ? ' (agent vs baseline shown for information only)' : ''}`,
  };
}

/** The three-way comparison of one task from the latest record of each variant. */
export function compareTask(records: ResultRecord[], opts: CompareOptions = {}): TaskComparison {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const iterations = opts.bootstrapIterations ?? DEFAULT_BOOTSTRAP_ITERATIONS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const byVariant = latestPerVariant(records);
  const task = records[0]?.task ?? '(none)';
  const caveats: string[] = [];
  const notes: string[] = [];
  const rule = primaryRule(byVariant, opts, caveats);

  // A metric every successful variant has: the primary one, else the first shared fallback.
  const succeeded = VARIANTS.filter((v) => byVariant[v]?.status === 'success');
  let metric = rule.metric;
  const missingPrimary = succeeded.filter((v) => samplesOf(byVariant[v]!, metric).length === 0);
  if (missingPrimary.length > 0 && succeeded.length - missingPrimary.length < succeeded.length) {
    const shared = rule.fallbacks.find((m) => succeeded.every((v) => samplesOf(byVariant[v]!, m).length > 0));
    if (shared) {
      caveats.push(`${listVariants(missingPrimary)} printed no ${metric}; all variants compared on ${shared} instead`);
      metric = shared;
    }
  }

  const variants = {} as Record<Variant, VariantResult>;
  for (const v of VARIANTS) {
    const record = byVariant[v];
    if (!record) {
      variants[v] = { status: 'missing', value: null };
      continue;
    }
    const result: VariantResult = { status: record.status, value: null, attempt: record.attempt };
    if (record.category) result.category = record.category;
    if (record.log) result.log = record.log;
    if (record.evidence) result.evidence = record.evidence;
    if (record.status === 'success') {
      const samples = samplesOf(record, metric);
      if (samples.length === 0) {
        // Seed 000: "result files marked success with N/A throughput". A success needs a metric.
        result.status = 'failed';
        result.category = 'NO_METRICS';
        notes.push(`${v}: the record says success but holds no usable ${metric}; counted as NO_METRICS`);
      } else {
        result.samples = samples;
        result.value = median(samples);
        const summary = record.metrics?.[metric];
        if (
          (record.samples ?? []).length > 0 &&
          typeof summary === 'number' &&
          Math.abs(summary - result.value) > 1e-9 * Math.abs(result.value)
        ) {
          notes.push(
            `${v}: metrics.${metric} = ${summary} is not the median of its ${samples.length} samples (${result.value}); the samples were used`,
          );
        }
      }
    }
    variants[v] = result;
  }

  // Caveats recorded on the records: once when every variant shares them, else per variant.
  const present = VARIANTS.filter((v) => byVariant[v]);
  const caveatVariants = new Map<string, Variant[]>();
  for (const v of present)
    for (const c of byVariant[v]!.caveats ?? []) caveatVariants.set(c, [...(caveatVariants.get(c) ?? []), v]);
  for (const [c, vs] of caveatVariants)
    caveats.push(
      vs.length === present.length && present.length > 1 ? `all variants: ${c}` : `${listVariants(vs)}: ${c}`,
    );

  // Environment fixes applied to some variants only (seed 000: aimv2, numpy<2, fa_utils.py ...).
  const ran = present.filter((v) => byVariant[v]!.status !== 'skipped');
  const fixVariants = new Map<string, Variant[]>();
  for (const v of ran) for (const f of fixesOf(byVariant[v]!)) fixVariants.set(f, [...(fixVariants.get(f) ?? []), v]);
  for (const [f, vs] of fixVariants) {
    if (vs.length < ran.length) {
      const without = ran.filter((v) => !vs.includes(v));
      caveats.push(
        `fix recipe ${f} applied to ${listVariants(vs)} only, not ${listVariants(without)}: not apples-to-apples`,
      );
    }
  }

  const ok = (v: Variant) => variants[v].status === 'success';
  const humanAgentDiff = workloadDifferences(byVariant.human, byVariant.agent);
  const baselineDiff = [
    ...workloadDifferences(byVariant.baseline, byVariant.human),
    ...workloadDifferences(byVariant.baseline, byVariant.agent),
  ];
  const baselineComparable = ok('baseline') && baselineDiff.length === 0;

  const cmp = (a: Variant, b: Variant, salt: number) =>
    compareSides(variants[a], variants[b], rule.higherIsBetter, threshold, iterations, seed + salt);
  const humanVsBaseline = baselineComparable ? cmp('human', 'baseline', 1) : { ...NO_COMPARISON };
  const agentVsBaseline = baselineComparable ? cmp('agent', 'baseline', 2) : { ...NO_COMPARISON };
  const agentVsHuman = humanAgentDiff.length === 0 ? cmp('agent', 'human', 3) : { ...NO_COMPARISON };
  if (ok('baseline') && baselineDiff.length > 0) {
    caveats.push(
      `baseline ran another workload (${[...new Set(baselineDiff)].join('; ')}): vs-baseline ratios withheld`,
    );
  }
  for (const c of [humanVsBaseline, agentVsBaseline, agentVsHuman])
    if (c.note && !caveats.includes(c.note)) caveats.push(c.note);

  const decision = decideOutcome({
    variants,
    anyRecord: present.length > 0,
    humanAgentDiff,
    baselineComparable,
    agentVsHuman,
    threshold,
  });
  const { outcome, evaluability, reason } = decision;
  if (decision.caveat) caveats.push(decision.caveat);

  // Share of the human's improvement the agent reached, direction-aware; only when the human's
  // improvement is real (beyond the threshold, and significant when tested): a share of noise is noise.
  let capturedShare: number | null = null;
  if (humanVsBaseline.ratio !== null && agentVsBaseline.ratio !== null && humanVsBaseline.verdict === 'better') {
    const gain = (r: number) => (rule.higherIsBetter ? r - 1 : 1 - r);
    const humanGain = gain(humanVsBaseline.ratio);
    if (humanGain > 0) capturedShare = gain(agentVsBaseline.ratio) / humanGain;
  }

  const kind = VARIANTS.map((v) => byVariant[v]?.kind).find((k) => k);
  const gpus = VARIANTS.map((v) => byVariant[v]?.gpus).find((g) => g !== undefined);
  const model = VARIANTS.map((v) => workloadOf(byVariant[v]).model).find((m) => m);
  const result: TaskComparison = {
    task,
    primary_metric: metric,
    higher_is_better: rule.higherIsBetter,
    variants,
    human_vs_baseline: humanVsBaseline,
    agent_vs_baseline: agentVsBaseline,
    agent_vs_human: agentVsHuman,
    outcome,
    evaluability,
    caveats,
    captured_share: capturedShare,
    min_detectable_change: agentVsHuman.min_detectable_change ?? null,
    notes,
  };
  if (kind) result.kind = kind;
  if (gpus !== undefined) result.gpus = gpus;
  if (model) result.model = model;
  if (reason) result.reason = reason;
  return result;
}

function verdictReason(c: Comparison, outcome: Outcome, threshold: number): string {
  if (c.ratio === null) return 'no agent vs human ratio';
  const t = `±${(threshold * 100).toFixed(0)}%`;
  const change = pct(c.ratio);
  if (c.single_sample) {
    return outcome === 'tie'
      ? `agent vs human ${change}, within ${t} (single sample: threshold only, noise unknown)`
      : `agent vs human ${change}, beyond ${t} (single sample: threshold only, not tested for significance)`;
  }
  const p = c.p_value !== undefined ? `p=${c.p_value.toPrecision(2)}` : '';
  const ci = c.ci ? `CI ${pct(c.ci[0])}…${pct(c.ci[1])}` : '';
  if (outcome !== 'tie')
    return `agent vs human ${change}, beyond ${t} and significant (${[ci, p].filter(Boolean).join(', ')})`;
  const mdc = c.min_detectable_change;
  if (mdc !== null && mdc !== undefined && mdc > threshold) {
    return `could not tell: agent vs human ${change}, but these samples detect only changes beyond ±${(mdc * 100).toFixed(1)}% (${[ci, p].filter(Boolean).join(', ')})`;
  }
  if (Math.abs(c.ratio - 1) > threshold)
    return `agent vs human ${change}, beyond ${t} but not significant (${[ci, p].filter(Boolean).join(', ')})`;
  return `agent vs human ${change}, within ${t} (${[ci, p].filter(Boolean).join(', ')})`;
}
