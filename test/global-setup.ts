/**
 * Builds the offline base image (debootstrap → docker import) once, before any test file runs, so
 * parallel container tests do not each bootstrap a root filesystem.
 */
import { ensureBaseImage } from '../src/adapters/base-image.js';

export default async function setup(): Promise<void> {
  const started = Date.now();
  await ensureBaseImage({ log: (line) => process.stderr.write(`[global-setup] ${line}\n`) });
  process.stderr.write(`[global-setup] base image ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
