/**
 * The base image's tag follows what it holds (a changed package list names a new image, so a
 * machine with the old one builds the new one), BENCHSWEEP_BASE_IMAGE overrides it (CI uses a tag
 * unique to the run), and the image holds pip (the demo's wheel builds and installs need it).
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE, baseImageTag, ensureBaseImage, isBaseImageTag } from '../../src/adapters/base-image.js';
import { BASE_IMAGE_PACKAGES, baseImageTagFor, DEFAULT_BASE_IMAGE } from '../../src/core/artifacts/base-image-spec.js';
import { ArtifactConfig } from '../../src/core/artifacts/artifacts.js';

describe('base image tag', () => {
  it('is derived from the package list', () => {
    expect(DEFAULT_BASE_IMAGE).toMatch(/^benchsweep\/base:bookworm-py3-[0-9a-f]{12}$/);
    expect(baseImageTagFor([...BASE_IMAGE_PACKAGES].reverse())).toBe(DEFAULT_BASE_IMAGE);
    expect(baseImageTagFor([...BASE_IMAGE_PACKAGES, 'curl'])).not.toBe(DEFAULT_BASE_IMAGE);
    expect(baseImageTagFor(BASE_IMAGE_PACKAGES.filter((p) => p !== 'python3-pip'))).not.toBe(DEFAULT_BASE_IMAGE);
    for (const p of ['python3-pip', 'python3-setuptools', 'python3-wheel']) expect(BASE_IMAGE_PACKAGES).toContain(p);
  });
  it('BENCHSWEEP_BASE_IMAGE overrides it; the build config defaults to it', () => {
    expect(baseImageTag({})).toBe(DEFAULT_BASE_IMAGE);
    expect(baseImageTag({ BENCHSWEEP_BASE_IMAGE: 'benchsweep/base:ci-1' })).toBe('benchsweep/base:ci-1');
    expect(ArtifactConfig.parse({}).build.builderImage).toBe(DEFAULT_BASE_IMAGE);
    expect(isBaseImageTag(DEFAULT_BASE_IMAGE)).toBe(true);
    expect(isBaseImageTag('nvidia/cuda:12.4.1-devel-ubuntu22.04')).toBe(false);
  });
});

describe('base image', () => {
  it("has pip, setuptools and wheel for the image's own python3", async () => {
    const r = await execa('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      BASE_IMAGE,
      'sh',
      '-c',
      'python3 -m pip --version && python3 -c "import setuptools, wheel; print(\'ok\')"',
    ]);
    expect(r.stdout).toMatch(/^pip \d+/);
    expect(r.stdout.trim().split('\n').pop()).toBe('ok');
  }, 60_000);
  it('without a Docker engine: a clear error, not a registry pull', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(tmpdir(), `no-daemon-${process.pid}.sock`)}`;
    try {
      await expect(ensureBaseImage({ tag: `benchsweep/base:missing-${process.pid}` })).rejects.toThrow(
        /Docker engine is not reachable/,
      );
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  }, 60_000);
});
