/** What each step of the action (src/action/*-step.ts) gets and gives back to the entry (main.ts). */
import type { ActionInputs } from '../core/github/action-inputs.js';
import type { CommandResult } from '../commands/command-result.js';
import type { Annotation } from '../core/github/github-surfaces.js';

export type Env = Record<string, string | undefined>;

export interface StepContext {
  inputs: ActionInputs;
  env: Env;
  /** Every secret value of the environment and the token: redacted from whatever the step prints. */
  secrets: string[];
}

/** An annotation, placed on a file and line when the data has one (a dataset row). */
export type StepAnnotation = Annotation;

export interface StepResult extends CommandResult {
  /** Errors and warnings for the run's annotations (capped by the entry). */
  annotations?: StepAnnotation[];
}
