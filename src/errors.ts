/**
 * Errors any layer may throw (a leaf module: it imports nothing of ours), so adapters that reject
 * bad input (a dataset file, a config) do not depend on the CLI's output module.
 */

/** A usage or input error: the CLI prints it on stderr and exits 2; the action fails the step with it. */
export class UserError extends Error {
  override name = 'UserError';
}
