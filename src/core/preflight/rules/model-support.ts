/**
 * The first vLLM release that can load a model family. A commit whose engine is older cannot
 * serve the model its command names, in any variant. Versions are the releases that announced the
 * support (a development build between releases may already have it: that case is 'unknown' and
 * only warns).
 */
import type { Version } from '../engine-version.js';

export interface ModelSupportRow {
  family: string;
  pattern: RegExp;
  firstVersion: Version;
  /** A model the family's older releases can load, for a substitution recorded as a caveat. */
  substitute?: string;
  why: string;
  source: string;
}

export const MODEL_SUPPORT: ModelSupportRow[] = [
  {
    family: 'Llama 3.1 (rope_scaling type "llama3")',
    pattern: /llama-?3\.1|meta-llama-3\.1/i,
    firstVersion: [0, 5, 3],
    substitute: 'meta-llama/Meta-Llama-3-8B-Instruct',
    why: 'older releases reject the "llama3" rope_scaling type of Llama 3.1 configs',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'Llama 3.2',
    pattern: /llama-?3\.2/i,
    firstVersion: [0, 6, 2],
    substitute: 'meta-llama/Meta-Llama-3-8B-Instruct',
    why: 'Llama 3.2 shipped with vLLM v0.6.2',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'Llama 4 (Llama4ForConditionalGeneration)',
    pattern: /llama-?4-/i,
    firstVersion: [0, 8, 3],
    why: 'the Llama 4 architecture was added in vLLM v0.8.3',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'Qwen3 / Qwen3-MoE',
    pattern: /qwen3/i,
    firstVersion: [0, 8, 5],
    substitute: 'Qwen/Qwen2.5-7B-Instruct',
    why: 'the Qwen3 architectures were released with vLLM v0.8.5',
    source: 'seeds/004_394875ce6bc9e493.txt',
  },
  {
    family: 'Qwen2.5-VL',
    pattern: /qwen2\.5-vl/i,
    firstVersion: [0, 7, 2],
    why: 'Qwen2_5_VLForConditionalGeneration was added in vLLM v0.7.2',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'Qwen2-VL',
    pattern: /qwen2-vl/i,
    firstVersion: [0, 6, 1],
    why: 'Qwen2VLForConditionalGeneration was added in vLLM v0.6.1',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'Gemma 3',
    pattern: /gemma-3/i,
    firstVersion: [0, 8, 0],
    why: 'Gemma3ForConditionalGeneration was added in vLLM v0.8.0',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'Gemma 2',
    pattern: /gemma-2-\d/i,
    firstVersion: [0, 5, 1],
    why: 'Gemma2ForCausalLM was added in vLLM v0.5.1',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'DeepSeek-V3 / R1 (DeepseekV3ForCausalLM)',
    pattern: /deepseek-(v3|r1)(?!-distill)/i,
    firstVersion: [0, 6, 6],
    why: 'DeepseekV3ForCausalLM was added in vLLM v0.6.6',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'DeepSeek-V2 (DeepseekV2ForCausalLM, MLA)',
    pattern: /deepseek-(coder-)?v2/i,
    firstVersion: [0, 5, 0],
    why: 'DeepseekV2ForCausalLM was added in vLLM v0.5.0',
    source: 'vllm#4650',
  },
  {
    family: 'Bamba (Mamba2 hybrid)',
    pattern: /bamba/i,
    firstVersion: [0, 7, 3],
    why: 'BambaForCausalLM (Mamba2 layers) was added in vLLM v0.7.3',
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    family: 'Mixtral (MixtralForCausalLM)',
    pattern: /mixtral/i,
    firstVersion: [0, 2, 4],
    why: 'Mixtral support was released in vLLM v0.2.4',
    source: 'seeds/002_f130af2cc98f1551.txt',
  },
];
