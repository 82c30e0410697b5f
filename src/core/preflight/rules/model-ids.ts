/**
 * Model ids in the dataset that do not exist on the Hugging Face hub: the server dies at once
 * (the seeds saw 6–12 s server failures for these rows). Each row names the id the command most
 * likely meant; using it is a dataset fix.
 */

export interface UnknownModelIdRow {
  id: string;
  suggestion: string;
  source: string;
}

export const UNKNOWN_MODEL_IDS: UnknownModelIdRow[] = [
  // Qwen3 has 0.6B/1.7B/4B/8B/14B/32B dense models and no "-Instruct" suffix.
  { id: 'Qwen/Qwen3-7B-Instruct', suggestion: 'Qwen/Qwen3-8B', source: 'seeds/004_394875ce6bc9e493.txt' },
  // Meta's Llama 3 repos are named "Meta-Llama-3-8B(-Instruct)".
  { id: 'meta-llama/Llama-3-8B', suggestion: 'meta-llama/Meta-Llama-3-8B', source: 'seeds/004_394875ce6bc9e493.txt' },
  {
    id: 'meta-llama/Llama-3-8B-Instruct',
    suggestion: 'meta-llama/Meta-Llama-3-8B-Instruct',
    source: 'seeds/004_394875ce6bc9e493.txt',
  },
];

export function unknownModelId(model: string): UnknownModelIdRow | undefined {
  return UNKNOWN_MODEL_IDS.find((r) => r.id.toLowerCase() === model.toLowerCase());
}
