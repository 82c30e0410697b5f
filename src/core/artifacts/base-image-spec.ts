/**
 * What the offline base image holds, and the tag that names it. The tag is derived from the
 * contents (suite, variant, package list), so a changed list names a new image and a machine that
 * still has the old one builds the new one instead of silently using a stale image (the demo's
 * wheel build needs pip, which the first list lacked).
 */
import { sha256Hex } from './artifact-keys.js';

export const BASE_IMAGE_REPO = 'benchsweep/base';
export const BASE_IMAGE_SUITE = 'bookworm';
export const BASE_IMAGE_VARIANT = 'minbase';
/** Debian packages (python3-pip/-setuptools/-wheel: the wheel builds and installs run pip in the image). */
export const BASE_IMAGE_PACKAGES: readonly string[] = [
  'python3-minimal',
  'python3-venv',
  'python3-pip',
  'python3-setuptools',
  'python3-wheel',
  'git',
  'patch',
  'ca-certificates',
  'procps',
];

/**
 * Changes made to the root filesystem after debootstrap (part of the tag): Debian's PEP 668 marker
 * is removed, so pip installs into the image's own Python (a throwaway root, no venv needed).
 */
const BASE_IMAGE_TWEAKS: readonly string[] = ['rm EXTERNALLY-MANAGED'];

/** `benchsweep/base:bookworm-py3-<12 hex of the contents>`. */
export function baseImageTagFor(
  packages: readonly string[] = BASE_IMAGE_PACKAGES,
  suite = BASE_IMAGE_SUITE,
  variant = BASE_IMAGE_VARIANT,
): string {
  const spec = JSON.stringify({ suite, variant, packages: [...packages].sort(), tweaks: BASE_IMAGE_TWEAKS });
  return `${BASE_IMAGE_REPO}:${suite}-py3-${sha256Hex(spec).slice(0, 12)}`;
}

/** The default base image (builder and runtime image of the demo engine and the tests). */
export const DEFAULT_BASE_IMAGE = baseImageTagFor();
