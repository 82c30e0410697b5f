/**
 * The CLI's output contract: human text by default, exactly one JSON document on stdout with
 * --json, logs on stderr.
 */
export interface Emit<T> {
  json: boolean;
  value: T;
  text: (value: T) => string;
}

export function emit<T>({ json, value, text }: Emit<T>): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text(value).replace(/\n?$/, '\n'));
}

export function log(message: string): void {
  process.stderr.write(message.replace(/\n?$/, '\n'));
}

/** A usage or input error: printed on stderr, exit code 2 (defined in the leaf src/errors.ts). */
export { UserError } from './errors.js';
