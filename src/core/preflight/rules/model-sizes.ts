/**
 * Parameter counts of the models the dataset names, for sizing a task's GPUs from its weights.
 * A row matches a Hugging Face model id (case-insensitive). MoE models count *all* experts (every
 * expert's weights are resident). `bytesPerParam` is the checkpoint's own storage when it is not
 * 16-bit (FP8 checkpoints); a `--quantization` flag overrides it. Sources: the seeds where they
 * give a size, otherwise the model card on the Hugging Face hub.
 */

export interface ModelSizeRow {
  name: string;
  pattern: RegExp;
  paramsB: number;
  /** Checkpoint storage per parameter when it is not 2 bytes (fp16/bf16). */
  bytesPerParam?: number;
  source: string;
}

const card = (id: string) => `model card hf.co/${id}`;

/** First match wins: put specific rows (FP8 variants, MoE) before generic ones. */
export const MODEL_SIZES: ModelSizeRow[] = [
  {
    name: 'DeepSeek-V3 / V3-0324 / R1 (671B MoE, FP8 checkpoint)',
    pattern: /deepseek-(v3|r1)(?!-distill)/i,
    paramsB: 671,
    bytesPerParam: 1,
    source: 'seeds/004_394875ce6bc9e493.txt',
  },
  {
    name: 'DeepSeek-V2-Lite / Coder-V2-Lite (16B MoE)',
    pattern: /deepseek-(coder-)?v2-lite/i,
    paramsB: 15.7,
    source: card('deepseek-ai/DeepSeek-V2-Lite'),
  },
  {
    name: 'DeepSeek-V2 (236B MoE)',
    pattern: /deepseek-(coder-)?v2(?!-lite)/i,
    paramsB: 236,
    source: 'seeds/004_394875ce6bc9e493.txt',
  },
  { name: 'Nemotron-4-340B', pattern: /nemotron-4-340b/i, paramsB: 341, source: 'seeds/004_394875ce6bc9e493.txt' },
  {
    name: 'Llama-4-Scout-17B-16E FP8 (109B MoE)',
    pattern: /llama-4-scout-17b-16e.*fp8/i,
    paramsB: 109,
    bytesPerParam: 1,
    source: card('RedHatAI/Llama-4-Scout-17B-16E-Instruct-FP8-dynamic'),
  },
  {
    name: 'Llama-4-Scout-17B-16E (109B MoE)',
    pattern: /llama-4-scout-17b-16e/i,
    paramsB: 109,
    source: card('meta-llama/Llama-4-Scout-17B-16E-Instruct'),
  },
  {
    name: 'Llama-4-Maverick-17B-128E (400B MoE)',
    pattern: /llama-4-maverick-17b-128e/i,
    paramsB: 400,
    source: card('meta-llama/Llama-4-Maverick-17B-128E-Instruct'),
  },
  {
    name: 'Mixtral-8x22B (141B MoE)',
    pattern: /mixtral-8x22b/i,
    paramsB: 141,
    source: card('mistralai/Mixtral-8x22B-v0.1'),
  },
  {
    name: 'Mixtral-8x7B FP8 (47B MoE)',
    pattern: /mixtral-8x7b.*fp8/i,
    paramsB: 46.7,
    bytesPerParam: 1,
    source: card('nm-testing/Mixtral-8x7B-Instruct-v0.1-FP8'),
  },
  { name: 'Mixtral-8x7B (47B MoE)', pattern: /mixtral-8x7b/i, paramsB: 46.7, source: 'seeds/002_f130af2cc98f1551.txt' },
  {
    name: 'Qwen3-30B-A3B FP8 (30B MoE)',
    pattern: /qwen3-30b-a3b.*fp8/i,
    paramsB: 30.5,
    bytesPerParam: 1,
    source: card('Qwen/Qwen3-30B-A3B-FP8'),
  },
  { name: 'Qwen3-30B-A3B (30B MoE)', pattern: /qwen3-30b-a3b/i, paramsB: 30.5, source: card('Qwen/Qwen3-30B-A3B') },
  {
    name: 'Qwen3-235B-A22B (235B MoE)',
    pattern: /qwen3-235b-a22b/i,
    paramsB: 235,
    source: card('Qwen/Qwen3-235B-A22B'),
  },
  {
    name: 'Llama 70B (Llama-2/3/3.1/3.3)',
    pattern: /llama-?[23](\.[13])?-70b|meta-llama-3(\.1)?-70b/i,
    paramsB: 70.6,
    source: 'seeds/002_f130af2cc98f1551.txt',
  },
  {
    name: 'Llama 3/3.1 8B FP8',
    pattern: /(meta-)?llama-3(\.1)?-8b.*fp8/i,
    paramsB: 8.03,
    bytesPerParam: 1,
    source: card('RedHatAI/Meta-Llama-3-8B-Instruct-FP8'),
  },
  {
    name: 'Llama 3/3.1 8B',
    pattern: /(meta-)?llama-3(\.1)?-8b/i,
    paramsB: 8.03,
    source: card('meta-llama/Llama-3.1-8B-Instruct'),
  },
  { name: 'Llama-3.2-1B', pattern: /llama-3\.2-1b/i, paramsB: 1.24, source: card('meta-llama/Llama-3.2-1B-Instruct') },
  { name: 'Llama-3.2-3B', pattern: /llama-3\.2-3b/i, paramsB: 3.21, source: card('meta-llama/Llama-3.2-3B-Instruct') },
  { name: 'Llama-2-13B', pattern: /llama-2-13b/i, paramsB: 13.0, source: card('meta-llama/Llama-2-13b-hf') },
  { name: 'Llama(-2)-7B', pattern: /llama-(2-)?7b/i, paramsB: 6.74, source: card('meta-llama/Llama-2-7b-hf') },
  { name: 'Mistral-7B', pattern: /mistral-7b/i, paramsB: 7.25, source: card('mistralai/Mistral-7B-Instruct-v0.3') },
  { name: 'Qwen2-VL-7B', pattern: /qwen2-vl-7b/i, paramsB: 8.29, source: card('Qwen/Qwen2-VL-7B') },
  { name: 'Qwen2.5-VL-3B', pattern: /qwen2\.5-vl-3b/i, paramsB: 3.75, source: card('Qwen/Qwen2.5-VL-3B-Instruct') },
  { name: 'Qwen2.5-7B', pattern: /qwen2\.5-7b/i, paramsB: 7.62, source: card('Qwen/Qwen2.5-7B-Instruct') },
  { name: 'Qwen2.5-1.5B', pattern: /qwen2\.5-1\.5b/i, paramsB: 1.54, source: card('Qwen/Qwen2.5-1.5B-Instruct') },
  { name: 'Qwen2-7B', pattern: /qwen2-7b/i, paramsB: 7.62, source: card('Qwen/Qwen2-7B-Instruct') },
  { name: 'Qwen1.5-0.5B', pattern: /qwen1\.5-0\.5b/i, paramsB: 0.62, source: card('Qwen/Qwen1.5-0.5B') },
  {
    name: 'Qwen3-8B (and the dataset\'s "Qwen3-7B")',
    pattern: /qwen3-[78]b/i,
    paramsB: 8.19,
    source: card('Qwen/Qwen3-8B'),
  },
  { name: 'Qwen3-1.7B', pattern: /qwen3-1\.7b/i, paramsB: 2.03, source: card('Qwen/Qwen3-1.7B') },
  { name: 'Bamba-9B', pattern: /bamba-9b/i, paramsB: 9.78, source: card('ibm-ai-platform/Bamba-9B') },
  { name: 'Yi-1.5-9B', pattern: /yi-1\.5-9b/i, paramsB: 8.83, source: card('01-ai/Yi-1.5-9B-Chat') },
  { name: 'gemma-3-12b', pattern: /gemma-3-12b/i, paramsB: 12.2, source: card('google/gemma-3-12b-it') },
  { name: 'gemma-2b', pattern: /gemma-2b/i, paramsB: 2.51, source: card('google/gemma-2b') },
  { name: 'phi-1_5', pattern: /phi-1[_.]5/i, paramsB: 1.42, source: card('microsoft/phi-1_5') },
  { name: 'OPT-13B', pattern: /opt-13b/i, paramsB: 12.9, source: card('facebook/opt-13b') },
  { name: 'OPT-125M', pattern: /opt-125m/i, paramsB: 0.125, source: card('facebook/opt-125m') },
];

export interface ModelSize {
  paramsB: number;
  bytesPerParam?: number;
  source: string;
  name: string;
}

/**
 * The size of a model: a table row, else the size written in the id ("-7b", "-0.5B", "-125m"),
 * which is right for dense models (MoE models must have a row). Undefined when neither says.
 */
export function modelSize(model: string): ModelSize | undefined {
  const row = MODEL_SIZES.find((r) => r.pattern.test(model));
  if (row)
    return {
      paramsB: row.paramsB,
      ...(row.bytesPerParam ? { bytesPerParam: row.bytesPerParam } : {}),
      source: row.source,
      name: row.name,
    };
  const id = model.split('/').pop() ?? model;
  const m = /(?:^|[-_])(\d+(?:\.\d+)?)([bm])(?=$|[-_])/i.exec(id);
  if (!m) return undefined;
  const n = Number(m[1]);
  const paramsB = m[2]!.toLowerCase() === 'b' ? n : n / 1000;
  const fp8 = /fp8|w8a8|int8/i.test(id);
  const int4 = /awq|gptq|int4|w4a16/i.test(id);
  return {
    paramsB,
    ...(fp8 ? { bytesPerParam: 1 } : int4 ? { bytesPerParam: 0.5 } : {}),
    source: 'the size in the model id',
    name: id,
  };
}

/** Bytes per parameter of a `--quantization` method (undefined: not a weight format we know). */
export function quantizationBytes(method: string): number | undefined {
  const m = method.toLowerCase();
  if (/^(fp8|fbgemm_fp8|modelopt|ptpc_fp8|compressed-tensors-fp8)$/.test(m)) return 1;
  if (/^(int8|w8a8|smoothquant|experts_int8|sq)$/.test(m)) return 1;
  if (
    /^(awq|awq_marlin|gptq|gptq_marlin|marlin|gptq_marlin_24|squeezellm|bitsandbytes|int4|w4a16|aqlm|hqq|gguf)$/.test(m)
  )
    return 0.5;
  return undefined;
}

/** Bytes per parameter of a `--dtype` (the weights' dtype when the checkpoint is 16/32-bit). */
export function dtypeBytes(dtype: string): number | undefined {
  const d = dtype.toLowerCase();
  if (['float16', 'half', 'bfloat16', 'bf16', 'fp16', 'auto'].includes(d)) return 2;
  if (['float32', 'float', 'fp32'].includes(d)) return 4;
  return undefined;
}

/** Weights need this much more than their size (activations, CUDA graphs, a minimal KV cache). */
export const MEMORY_HEADROOM = 1.2;
