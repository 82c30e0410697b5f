/** Secrets (HF_TOKEN, GITHUB_TOKEN, ...) never reach logs, summaries or comments. */
export const SECRET_ENV_NAMES = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'ACTIONS_RUNTIME_TOKEN'] as const;

export function secretValues(env: Record<string, string | undefined>): string[] {
  const names = new Set<string>(SECRET_ENV_NAMES);
  for (const key of Object.keys(env)) if (/(TOKEN|SECRET|PASSWORD|API_KEY)$/.test(key)) names.add(key);
  return [...names].map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
