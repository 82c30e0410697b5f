/**
 * Secrets (HF_TOKEN, GITHUB_TOKEN, ...) never reach logs, summaries or comments.
 *
 * Which values count: the named variables and any `*TOKEN`, `*SECRET`, `*PASSWORD`, `*API_KEY`.
 * A value too short or too common to be a credential (`SKIP_TOKEN=true`, `1`, under 8 characters)
 * is not substituted: replacing every `true` in a report would corrupt it and hide nothing. Such
 * values come back as warnings for the caller to print (by name, never by value).
 */
const SECRET_ENV_NAMES = [
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
] as const;

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|API_KEY)$/;

/** Shorter values are not credentials (every real token is longer), and substituting them breaks text. */
const MIN_SECRET_LENGTH = 8;

/** Values that mean a setting, not a credential, whatever the variable is called. */
const COMMON_VALUES = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'none',
  'null',
  'undefined',
  'enabled',
  'disabled',
  'enable',
  'disable',
  'default',
  'auto',
  'unset',
  'empty',
  'changeme',
  'password',
  'secret',
  'token',
  'localhost',
  '127.0.0.1',
  '0.0.0.0',
]);

export interface SecretScan {
  /** Values to substitute, longest first (a secret that contains another is replaced whole). */
  values: string[];
  /** One line per secret-named variable whose value is not substituted, naming it (never its value). */
  warnings: string[];
}

/** Why `value` is not treated as a secret, or undefined when it is one. */
function notASecret(value: string): string | undefined {
  const v = value.trim();
  if (COMMON_VALUES.has(v.toLowerCase()) || /^\d+$/.test(v)) return 'its value is a common word or a number';
  if (v.length < MIN_SECRET_LENGTH) return `its value has ${v.length} character(s), under ${MIN_SECRET_LENGTH}`;
  return undefined;
}

export function findSecrets(env: Record<string, string | undefined>): SecretScan {
  const names = new Set<string>(SECRET_ENV_NAMES);
  for (const key of Object.keys(env)) if (SECRET_NAME.test(key)) names.add(key);
  const values = new Set<string>();
  const warnings: string[] = [];
  for (const name of [...names].sort()) {
    const value = env[name];
    if (typeof value !== 'string' || value === '') continue;
    const why = notASecret(value);
    if (why) {
      warnings.push(`${name} looks like a secret but is not redacted: ${why}`);
      continue;
    }
    // The forms a secret takes when a program prints it inside a URL or a JSON string.
    for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) values.add(form);
  }
  return { values: [...values].sort((a, b) => b.length - a.length), warnings };
}

export function secretValues(env: Record<string, string | undefined>): string[] {
  return findSecrets(env).values;
}

/** Every occurrence of every secret replaced by `***` (longest secrets first). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s) out = out.split(s).join('***');
  return out;
}

/**
 * A JSON-able value with every string (keys included) redacted. Redacting the serialized text
 * instead can break the JSON (a secret containing a quote, or one that matches a literal).
 */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k, secrets), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * Redaction of a stream that arrives in pieces. A secret may be split across two pieces, so the
 * end of each piece that could be the start of a secret is held back until the next piece shows
 * whether it is; what `push` returns never holds a secret or the start of one.
 */
export interface StreamRedactor {
  push(text: string): string;
  /** The held-back rest. A rest long enough to be a cut-off secret (≥ 4 characters) comes back as `***`. */
  end(): string;
}

/** The longest suffix of `text` that is a proper prefix of one of the secrets. */
function heldBackLength(text: string, secrets: readonly string[]): number {
  let best = 0;
  for (const s of secrets) {
    for (let k = Math.min(s.length - 1, text.length); k > best; k--) {
      if (text.endsWith(s.slice(0, k))) {
        best = k;
        break;
      }
    }
  }
  return best;
}

const PARTIAL_SECRET_MIN = 4;

export function createStreamRedactor(secrets: readonly string[]): StreamRedactor {
  const list = [...new Set(secrets.filter(Boolean))].sort((a, b) => b.length - a.length);
  let pending = '';
  return {
    push(text: string): string {
      if (list.length === 0) return text;
      const joined = redact(pending + text, list);
      const hold = heldBackLength(joined, list);
      pending = joined.slice(joined.length - hold);
      return joined.slice(0, joined.length - hold);
    },
    end(): string {
      const rest = pending;
      pending = '';
      return rest.length >= PARTIAL_SECRET_MIN ? '***' : rest;
    },
  };
}

/**
 * Text that the Actions runner prints is also read for workflow commands (`::error::`,
 * `::add-mask::`, `::set-output`), line by line. Text from data (task ids, reasons, log evidence)
 * printed there must not start a line with `::`, and must not carry a newline or carriage return
 * that would start a new one: both are escaped the way the runner's own toolkit escapes data.
 */
export function escapeWorkflowText(text: string): string {
  return defuseLine(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/**
 * Multi-line text for the log (where newlines are wanted): every line that could be read as a
 * workflow command is defused, the rest is kept as it is.
 */
export function defuseWorkflowCommands(text: string): string {
  return text
    .replace(/\r(?!\n)/g, '\n')
    .split('\n')
    .map(defuseLine)
    .join('\n');
}

/** The runner trims leading whitespace, then looks for `::name` (and the legacy `##[name`). */
function defuseLine(line: string): string {
  return line.replace(/^(\s*)::/, '$1:\u200b:').replace(/^(\s*)##\[/, '$1#\u200b#[');
}
