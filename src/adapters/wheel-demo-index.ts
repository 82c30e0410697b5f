/**
 * The demo's stand-in for vLLM's per-commit wheel index (`https://wheels.vllm.ai/<sha>/`): a wheel of
 * the parent commit, built once with `pip wheel`, published as `<root>/<sha>/demo-engine/` and served
 * on 127.0.0.1. It lives beside the artifact cache, so a rerun with the same cache publishes nothing.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_WHEEL_PREPARE, buildWheel } from './wheel-builder.js';
import { publishWheels, serveDirectory, type ServedIndex } from './wheel-index-server.js';

export interface DemoWheelIndex {
  served: ServedIndex;
  /** The index folder (`<cacheDir>/demo-wheel-index`). */
  root: string;
  /** The template for the artifact config: `{base}/{sha}/`. */
  template: string;
  /** Whether this call built the wheel (false on a rerun). */
  built: boolean;
}

export async function startDemoWheelIndex(o: {
  repoDir: string;
  commit: string;
  cacheDir: string;
  builderImage: string;
  project?: string;
  log?: (line: string) => void;
}): Promise<DemoWheelIndex> {
  const root = join(o.cacheDir, 'demo-wheel-index');
  const commitRoot = join(root, o.commit);
  const project = o.project ?? 'demo-engine';
  const present = (await readdir(join(commitRoot, project)).catch(() => [] as string[])).some((f) =>
    f.endsWith('.whl'),
  );
  let built = false;
  if (!present) {
    await mkdir(o.cacheDir, { recursive: true });
    const tmp = await mkdtemp(join(o.cacheDir, '.demo-wheel-'));
    try {
      const wb = await buildWheel({
        repoDir: o.repoDir,
        commit: o.commit,
        builderImage: o.builderImage,
        env: { MAX_JOBS: 2, NVCC_THREADS: 1, TORCH_CUDA_ARCH_LIST: '9.0' },
        timeoutS: 300,
        logFile: join(tmp, 'wheel-build.log'),
        outDir: tmp,
        prepareScript: DEMO_WHEEL_PREPARE,
        ...(o.log ? { log: o.log } : {}),
      });
      if (!wb.ok)
        throw new Error(
          `demo wheel index: building the parent's wheel failed: ${wb.category}: ${wb.reason}\n${wb.evidence ?? ''}`,
        );
      await publishWheels(commitRoot, [wb.path]);
      built = true;
      o.log?.(`demo wheel index: published ${wb.fileName} for ${o.commit.slice(0, 12)}`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const served = await serveDirectory(root);
  o.log?.(`demo wheel index: serving ${root} at ${served.url}`);
  return { served, root, template: '{base}/{sha}/', built };
}
