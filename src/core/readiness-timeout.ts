/**
 * How long to wait for a server to answer /health and /v1/models. Loading weights grows with model
 * size (a 70B model with several GPUs takes minutes); a fixed 600–3600 s wait is what the seeds
 * spent on servers that had died in 5 s — the runner stops early on exit, so this bound only
 * matters for servers that hang.
 */
const READINESS_BASE_S = 180;
const READINESS_PER_B_PARAMS_S = 8;
export const READINESS_MAX_S = 1800;
/** When the model size is unknown. */
export const READINESS_DEFAULT_S = 600;

export function readinessTimeoutS(modelParamsB?: number): number {
  if (modelParamsB === undefined || !Number.isFinite(modelParamsB) || modelParamsB <= 0) return READINESS_DEFAULT_S;
  return Math.min(READINESS_MAX_S, Math.round(READINESS_BASE_S + READINESS_PER_B_PARAMS_S * modelParamsB));
}

/** Billions of parameters from a model name (`Llama-3.1-70B`, `Qwen3-0.6B`, `Mixtral-8x7B` → 56). */
export function paramsFromModelName(model: string): number | undefined {
  const name = model.split('/').pop() ?? model;
  const moe = /(\d+)x(\d+(?:\.\d+)?)B\b/i.exec(name);
  if (moe) return Number(moe[1]) * Number(moe[2]);
  const m = /(?:^|[-_.])(\d+(?:\.\d+)?)B(?:$|[-_.])/i.exec(name);
  return m ? Number(m[1]) : undefined;
}
