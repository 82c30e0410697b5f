/**
 * Model repositories on the Hugging Face hub that need an accepted licence and a token to
 * download (gated). A fork PR's containers get no HF_TOKEN, so its tasks with these models are
 * refused up front with this reason instead of failing later as MODEL_ACCESS.
 */
export interface GatedModelRow {
  pattern: RegExp;
  why: string;
  source: string;
}

const GATED_MODELS: readonly GatedModelRow[] = [
  {
    pattern: /^meta-llama\//i,
    why: 'Meta’s Llama licence must be accepted on the hub',
    source: 'model card hf.co/meta-llama/Llama-3.1-8B-Instruct',
  },
  {
    pattern: /^google\/gemma/i,
    why: 'Google’s Gemma terms must be accepted on the hub',
    source: 'model card hf.co/google/gemma-2-9b',
  },
  {
    pattern: /^mistralai\//i,
    why: 'Mistral AI’s repositories ask for contact details before download',
    source: 'model card hf.co/mistralai/Mistral-7B-Instruct-v0.3',
  },
  {
    pattern: /^bigcode\/starcoder/i,
    why: 'the BigCode OpenRAIL-M agreement must be accepted on the hub',
    source: 'model card hf.co/bigcode/starcoder',
  },
];

export function gatedModel(model: string): string | undefined {
  return GATED_MODELS.find((r) => r.pattern.test(model))?.why;
}
