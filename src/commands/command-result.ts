/**
 * What every command returns, so the CLI (src/cli.ts) and the action entry (src/action.ts) wire the
 * same implementation: the CLI prints `text` or `value` (with --json); the action sets `outputs`,
 * writes `summary` to the job summary and fails the step when `failed`.
 */
export interface CommandResult<T = unknown> {
  /** The one JSON document of `--json` (DESIGN.md contract). */
  value: T;
  /** Human-readable text for the terminal. */
  text: string;
  /** Markdown for the job summary (GITHUB_STEP_SUMMARY). */
  summary?: string;
  /** Action outputs (strings; JSON for structured ones, e.g. `matrix`). */
  outputs?: Record<string, string>;
  /** The step should fail (exit code 1) after everything was written. */
  failed?: boolean;
}
