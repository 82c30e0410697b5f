import { describe, expect, it } from 'vitest';
import {
  decideOutcome,
  type Comparison,
  type Evaluability,
  type OutcomeFacts,
  type Outcome,
  type VariantResult,
} from '../../src/core/compare/compare.js';

// Shorthands for a variant's result: ran, failed (with a category), skipped, missing.
const ran: VariantResult = { status: 'success', value: 100 };
const failed = (category?: string): VariantResult =>
  category ? { status: 'failed', value: null, category } : { status: 'failed', value: null };
const skipped: VariantResult = { status: 'skipped', value: null };
const missing: VariantResult = { status: 'missing', value: null };

const better: Comparison = { ratio: 1.1, ci: null, significant: null, verdict: 'better', single_sample: true };
const worse: Comparison = { ratio: 0.9, ci: null, significant: null, verdict: 'worse', single_sample: true };
const same: Comparison = { ratio: 1.0, ci: null, significant: null, verdict: 'same', single_sample: true };
const none: Comparison = { ratio: null, ci: null, significant: null, verdict: null };

interface Case {
  name: string;
  baseline: VariantResult;
  human: VariantResult;
  agent: VariantResult;
  anyRecord?: boolean;
  humanAgentDiff?: string[];
  baselineComparable?: boolean;
  agentVsHuman?: Comparison;
  outcome: Outcome;
  evaluability: Evaluability;
  /** A substring the reason must hold. */
  reason: string;
  caveat?: string;
}

// Each row is one branch of the outcome chain, in the order the chain tries them.
// prettier-ignore
const CASES: Case[] = [
  { name: 'no records at all', baseline: missing, human: missing, agent: missing, anyRecord: false,
    outcome: 'not_evaluable', evaluability: 'no_results', reason: 'no result records' },
  { name: 'patch refused, human failed too', baseline: ran, human: failed('SERVER_CRASH'), agent: failed('PATCH_FAILED'),
    outcome: 'agent_failed', evaluability: 'agent_failed', reason: "the agent's patch was refused before any run (PATCH_FAILED); human failed (SERVER_CRASH)" },
  { name: 'patch rejected, human missing', baseline: missing, human: missing, agent: failed('PATCH_REJECTED'),
    outcome: 'agent_failed', evaluability: 'agent_failed', reason: 'PATCH_REJECTED); human has no result' },
  { name: 'human and agent ran different workloads', baseline: ran, human: ran, agent: ran, humanAgentDiff: ['model "a" vs "b"'],
    agentVsHuman: none, outcome: 'not_evaluable', evaluability: 'workload_mismatch',
    reason: 'human and agent ran different workloads: model "a" vs "b"', caveat: 'human and agent ran different workloads: model "a" vs "b"' },
  { name: 'three-way, agent better', baseline: ran, human: ran, agent: ran, baselineComparable: true, agentVsHuman: better,
    outcome: 'agent_wins', evaluability: 'valid_three_way', reason: 'agent vs human +10.00%, beyond ±2% (single sample' },
  { name: 'three-way, agent worse', baseline: ran, human: ran, agent: ran, baselineComparable: true, agentVsHuman: worse,
    outcome: 'human_wins', evaluability: 'valid_three_way', reason: 'agent vs human' },
  { name: 'baseline ran another workload, tie', baseline: ran, human: ran, agent: ran, baselineComparable: false, agentVsHuman: same,
    outcome: 'tie', evaluability: 'model_mismatch', reason: 'within ±2%' },
  { name: 'no baseline: human vs agent only', baseline: failed('OOM'), human: ran, agent: ran, agentVsHuman: better,
    outcome: 'agent_wins', evaluability: 'human_agent_only', reason: '; baseline failed (OOM)' },
  { name: 'agent failed for the patch', baseline: ran, human: ran, agent: failed('SERVER_CRASH'),
    outcome: 'agent_failed', evaluability: 'agent_failed', reason: "the agent's variant failed (SERVER_CRASH) where the human's ran" },
  { name: 'agent failed without a category', baseline: ran, human: ran, agent: failed(),
    outcome: 'agent_failed', evaluability: 'agent_failed', reason: '(no category recorded)' },
  { name: 'agent failed for infrastructure', baseline: ran, human: ran, agent: failed('TRANSIENT_INFRA'),
    outcome: 'not_evaluable', evaluability: 'agent_infra_failed', reason: "not the patch's (TRANSIENT_INFRA): Retried with backoff." },
  { name: 'agent skipped', baseline: ran, human: ran, agent: skipped,
    outcome: 'not_evaluable', evaluability: 'agent_not_run', reason: 'no agent result (skipped)' },
  { name: 'agent missing', baseline: ran, human: ran, agent: missing,
    outcome: 'not_evaluable', evaluability: 'agent_not_run', reason: 'no agent result (missing)' },
  { name: 'nothing ran', baseline: skipped, human: missing, agent: skipped,
    outcome: 'not_evaluable', evaluability: 'not_run', reason: 'baseline skipped; human has no result; agent skipped' },
  { name: 'all skipped', baseline: skipped, human: skipped, agent: skipped,
    outcome: 'not_evaluable', evaluability: 'not_run', reason: 'all variants skipped' },
  { name: 'all failed', baseline: failed('OOM'), human: failed('OOM'), agent: failed('OOM'),
    outcome: 'not_evaluable', evaluability: 'all_failed', reason: 'all variants failed (OOM)' },
  { name: 'baseline and human failed', baseline: failed('BUILD_FAILED'), human: failed('BUILD_FAILED'), agent: ran,
    outcome: 'not_evaluable', evaluability: 'baseline_failed', reason: 'baseline failed (BUILD_FAILED); human failed (BUILD_FAILED); agent ran' },
  { name: 'human failed, agent and baseline ran', baseline: ran, human: failed('SERVER_CRASH'), agent: ran,
    outcome: 'not_evaluable', evaluability: 'human_failed', reason: '(agent vs baseline shown for information only)' },
  { name: 'human failed, baseline missing', baseline: missing, human: failed('SERVER_CRASH'), agent: ran,
    outcome: 'not_evaluable', evaluability: 'human_failed', reason: 'human failed (SERVER_CRASH)' },
];

describe('decideOutcome: the outcome chain as a table', () => {
  it.each(CASES)('$name → $outcome / $evaluability', (c) => {
    const facts: OutcomeFacts = {
      variants: { baseline: c.baseline, human: c.human, agent: c.agent },
      anyRecord: c.anyRecord ?? true,
      humanAgentDiff: c.humanAgentDiff ?? [],
      baselineComparable: c.baselineComparable ?? false,
      agentVsHuman: c.agentVsHuman ?? none,
      threshold: 0.02,
    };
    const d = decideOutcome(facts);
    expect(d.outcome).toBe(c.outcome);
    expect(d.evaluability).toBe(c.evaluability);
    expect(d.reason).toContain(c.reason);
    expect(d.caveat).toBe(c.caveat);
  });

  it('covers every evaluability the chain can produce', () => {
    const seen = new Set(CASES.map((c) => c.evaluability));
    for (const e of [
      'no_results',
      'agent_failed',
      'workload_mismatch',
      'valid_three_way',
      'model_mismatch',
      'human_agent_only',
      'agent_infra_failed',
      'agent_not_run',
      'not_run',
      'all_failed',
      'baseline_failed',
      'human_failed',
    ] as const)
      expect(seen.has(e)).toBe(true);
  });
});
