/**
 * Applies an environment fix recipe (src/core/failures/rules/fix-recipes.ts) to a variant's engine image.
 * The seeds fixed images by hand (`sed -i` for aimv2 `exist_ok`, `docker cp fa_utils.py`,
 * `pip install 'numpy<2'`) and then forgot which results had been fixed: here every fix is a
 * derived image layer, and the caller records the recipe id and its caveat on every result.
 */
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { showFile } from '../adapters/git.js';
import type { ExecutorKind } from './executor-types.js';

import type { FixAction } from '../core/failures/rules/fix-recipes.js';

export type { FixAction };

export interface FixRecipeLike {
  id: string;
  title?: string;
  action: FixAction;
  caveat: string;
}

export type FixApplication =
  | { applied: true; image: string; recipe: string; caveat: string; note?: string }
  | { applied: false; recipe: string; reason: string; evidence?: string };

export interface ApplyFixOptions {
  recipe: FixRecipeLike;
  executor: ExecutorKind;
  /** The variant's image (docker) or engine directory (host). */
  image: string;
  /** The variant's engine commit (the source of a restored file unless the recipe names a ref). */
  commit: string;
  repoDir: string;
  /** pip needs a package index; runners without one get the constraint recorded, not installed. */
  allowNetwork?: boolean;
  /**
   * The package index pip uses (`--index-url`, e.g. a mirror, or the tests' local index on
   * 127.0.0.1); default: pip's own configuration. A loopback index is reached with `--network host`.
   */
  pipIndexUrl?: string;
}

/** Whether a URL names this machine (the build container then shares the host's network to reach it). */
function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * Runs inside the image during `docker build`: finds the file (a path relative to an importable
 * package, e.g. `vllm/...`, resolved where that package is installed; else relative to WORKDIR)
 * and patches or restores it. Exit 3 = the recipe does not fit this image.
 */
const FIX_SCRIPT = String.raw`
import importlib.util, json, os, shutil, sys
spec = json.load(open('/tmp/benchsweep-fix/spec.json'))
path = spec['path']
if not os.path.isabs(path):
    top, _, rest = path.partition('/')
    base = None
    try:
        found = importlib.util.find_spec(top)
        if found is not None and found.submodule_search_locations:
            base = list(found.submodule_search_locations)[0]
    except Exception:
        base = None
    path = os.path.join(base, rest) if base and rest else os.path.join(os.getcwd(), path)
if spec['type'] == 'file-restore':
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copyfile('/tmp/benchsweep-fix/payload', path)
    print('benchsweep-fix: restored ' + path)
    sys.exit(0)
# The named file first, then its siblings: the same registration moves between files across
# versions (aimv2: configs/ovis.py, later configs/ovis2.py).
folder = os.path.dirname(path)
siblings = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith('.py')) if os.path.isdir(folder) else []
candidates = [p for p in [path] + siblings if os.path.isfile(p)]
candidates = list(dict.fromkeys(candidates))
if not candidates:
    print('benchsweep-fix: ' + path + ' does not exist in this image', file=sys.stderr)
    sys.exit(3)
patched = []
already = False
for p in candidates:
    text = open(p, encoding='utf-8').read()
    if spec['find'] in text and spec['replace'] not in text:
        open(p, 'w', encoding='utf-8').write(text.replace(spec['find'], spec['replace']))
        patched.append(p)
    elif spec['replace'] in text:
        already = True
if patched:
    print('benchsweep-fix: patched ' + ', '.join(patched))
    sys.exit(0)
if already:
    print('benchsweep-fix: ' + path + ' already has the fix')
    sys.exit(0)
print('benchsweep-fix: the text to replace is not in ' + path + ' or its siblings', file=sys.stderr)
sys.exit(3)
`;

function derivedImageTag(image: string, recipeId: string): string {
  const hash = createHash('sha256').update(`${image}\0${recipeId}`).digest('hex').slice(0, 16);
  return `benchsweep/fixed:${recipeId
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .slice(0, 40)}-${hash}`;
}

async function dockerBuild(context: string, tag: string): Promise<{ ok: boolean; output: string }> {
  const r = await execa('docker', ['build', '--network', 'none', '-q', '-t', tag, context], {
    reject: false,
    all: true,
    env: { DOCKER_BUILDKIT: '0' },
  });
  return { ok: r.exitCode === 0, output: String(r.all ?? '') };
}

export async function applyFixRecipe(opts: ApplyFixOptions): Promise<FixApplication> {
  const { recipe, image } = opts;
  const action = recipe.action;
  if (opts.executor !== 'docker') {
    return {
      applied: false,
      recipe: recipe.id,
      reason: 'the host executor does not modify the engine installation; apply the recipe to the runner by hand',
    };
  }
  const context = await mkdtemp(join(tmpdir(), 'benchsweep-fix-'));
  try {
    const tag = derivedImageTag(image, recipe.id);
    let dockerfile: string;
    if (action.type === 'pip-constraint') {
      if (!opts.allowNetwork) {
        return {
          applied: false,
          recipe: recipe.id,
          reason: `pip install '${action.spec}' needs a package index; the intended constraint is recorded, not installed`,
        };
      }
      await writeFile(join(context, 'constraint.txt'), action.spec + '\n');
      const index = opts.pipIndexUrl ? ` --index-url ${JSON.stringify(opts.pipIndexUrl)}` : '';
      // Debian marks its interpreter externally managed (PEP 668); older pips ignore the variable.
      // The installed version is printed, so the log shows what the fix put in the image.
      const project = /^[A-Za-z0-9._-]+/.exec(action.spec)?.[0] ?? '';
      dockerfile = [
        `FROM ${image}`,
        'COPY constraint.txt /tmp/benchsweep-constraint.txt',
        `RUN PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --disable-pip-version-check${index} -r /tmp/benchsweep-constraint.txt && rm /tmp/benchsweep-constraint.txt` +
          (project
            ? ` && (python3 -m pip show ${project} | grep -i '^version' | sed 's/^/benchsweep-fix: ${project} /')`
            : ''),
        `LABEL benchsweep.fix=${JSON.stringify(recipe.id)}`,
        '',
      ].join('\n');
      await writeFile(join(context, 'Dockerfile'), dockerfile);
      // The only build that may reach the network: pip needs the package index.
      const network = opts.pipIndexUrl && isLoopbackUrl(opts.pipIndexUrl) ? ['--network', 'host'] : [];
      const r = await execa('docker', ['build', ...network, '-t', tag, context], {
        reject: false,
        all: true,
        env: { DOCKER_BUILDKIT: '0' },
      });
      const out = String(r.all ?? '');
      const installed = /benchsweep-fix: (\S+ version: \S+)/i.exec(out)?.[1];
      return r.exitCode === 0
        ? {
            applied: true,
            image: tag,
            recipe: recipe.id,
            caveat: recipe.caveat,
            ...(installed ? { note: `installed ${installed.replace(/ version:/i, '')}` } : {}),
          }
        : {
            applied: false,
            recipe: recipe.id,
            reason: `pip install '${action.spec}' failed`,
            evidence: out
              .split('\n')
              .filter((l) => l.trim())
              .slice(-20)
              .join('\n'),
          };
    }
    let payload = '';
    if (action.type === 'file-restore') {
      const ref = action.fromRef ?? opts.commit;
      const content = await showFile(opts.repoDir, ref, action.path);
      if (content === null)
        return {
          applied: false,
          recipe: recipe.id,
          reason: `${action.path} does not exist at ${ref.slice(0, 12)}: nothing to restore`,
        };
      payload = content;
    }
    const spec =
      action.type === 'file-patch'
        ? { type: action.type, path: action.path, find: action.find, replace: action.replace }
        : { type: action.type, path: action.path };
    await writeFile(join(context, 'spec.json'), JSON.stringify(spec));
    await writeFile(join(context, 'fix.py'), FIX_SCRIPT);
    await writeFile(join(context, 'payload'), payload);
    dockerfile = [
      `FROM ${image}`,
      'COPY spec.json fix.py payload /tmp/benchsweep-fix/',
      'RUN python3 /tmp/benchsweep-fix/fix.py && rm -rf /tmp/benchsweep-fix',
      '',
    ].join('\n');
    await writeFile(join(context, 'Dockerfile'), dockerfile);
    const built = await dockerBuild(context, tag);
    if (!built.ok) {
      const doesNotFit = /benchsweep-fix:/.test(built.output);
      return {
        applied: false,
        recipe: recipe.id,
        reason: doesNotFit
          ? `the recipe does not fit this image (${action.path})`
          : 'docker build of the fixed image failed',
        evidence: built.output
          .split('\n')
          .filter((l) => l.trim())
          .slice(-20)
          .join('\n'),
      };
    }
    return { applied: true, image: tag, recipe: recipe.id, caveat: recipe.caveat };
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
