/**
 * Which repository changes need a compiler (or a dependency resolver) and which ship as they are.
 * A change set made only of files that ship as-is in the installed Python package (or of files
 * that never reach the installed package: tests, docs, CI, benchmark scripts) can be replayed into
 * a neighbour's image ("overlay") in seconds; anything else is a build on a CPU runner.
 *
 * Ground truth: ../shared/data/vllm-commit-facts.jsonl (`rebuild`: no-compile | compile |
 * dependencies), reproduced by test/artifacts/rebuild-rules.test.ts.
 */

export type ChangeEffect =
  /** Interpreted at run time from the installed package (Python, JSON/YAML configs): overlay. */
  | 'ships-as-is'
  /** Compiled into the package's extensions (C++/CUDA, kernels): build. */
  | 'compile'
  /** Changes what the resolver installs beside the package: build (a fresh environment). */
  | 'dependency'
  /** Changes how the package is built or what it contains (setup.py, CMake, pyproject): build. */
  | 'build-config'
  /** Never installed (tests, docs, CI, examples, Dockerfiles): no effect on the image. */
  | 'outside-package';

export interface RebuildRule {
  /** Matched against a repository-relative path with forward slashes. */
  pattern: RegExp;
  effect: ChangeEffect;
  /** Where the rule comes from: a seed, a vLLM commit of the facts file, or a vLLM issue. */
  source: string;
}

/** Top-level directories that are installed as the Python package (vLLM's old name was cacheflow). */
const PACKAGE_DIRS = ['vllm', 'cacheflow', 'demo_engine'] as const;

// cacheflow: vllm-commit-facts c45f3c3a (cacheflow/models/attention.py, the package before its rename).
const PKG = `(?:${PACKAGE_DIRS.join('|')})`;

/** First matching row wins: compile and build rows come before the ships-as-is rows. */
export const REBUILD_RULES: readonly RebuildRule[] = [
  { pattern: /^csrc\//, effect: 'compile', source: 'vllm-commit-facts 0ec82edd (csrc/moe/moe_align_sum_kernels.cu)' },
  {
    pattern: /\.(?:cu|cuh|cpp|cc|cxx|c|h|hpp|hh|hip|cl)$/,
    effect: 'compile',
    source: 'vllm-commit-facts b6d10354 (csrc/reduction_utils.cuh)',
  },
  {
    pattern: /(?:^|\/)CMakeLists\.txt$/,
    effect: 'build-config',
    source: 'vllm-commit-facts 8c1e77fb (CMakeLists.txt)',
  },
  { pattern: /^cmake\/|\.cmake$/, effect: 'build-config', source: 'vllm-commit-facts b6d10354 (cmake/utils.cmake)' },
  {
    pattern: /^(?:setup\.py|setup\.cfg|pyproject\.toml|MANIFEST\.in|use_existing_torch\.py)$/,
    effect: 'build-config',
    source: 'vllm-commit-facts 8bc68e19 (setup.py)',
  },
  {
    pattern: /^requirements(?:[-_.][^/]*)?\.(?:txt|in)$|^requirements\/.*\.(?:txt|in)$/,
    effect: 'dependency',
    source: 'vllm-commit-facts 4c822298 (requirements-common.txt)',
  },
  // A compiled artefact or an unknown file type inside the package cannot be replayed safely.
  {
    pattern: new RegExp(`^${PKG}/.*\\.(?:py|pyi|json|ya?ml|jinja2?|txt|md|typed)$`),
    effect: 'ships-as-is',
    source: 'vllm-commit-facts 0d243f2a (fused_moe/configs/*.json)',
  },
  {
    pattern: new RegExp(`^${PKG}/`),
    effect: 'compile',
    source: 'seeds/003_3832605d3a1027c0.txt (fa_utils.py missing: files produced by the build are not in git)',
  },
  // Everything else never reaches site-packages: tests/, docs/, benchmarks/, examples/, .buildkite/,
  // Dockerfile* (the image is the artifact; its recipe is not), README.
  {
    pattern: /^(?:tests?|docs?|benchmarks?|examples|tools|scripts|\.buildkite|\.github)\//,
    effect: 'outside-package',
    source: 'vllm-commit-facts 21d93c14 (Dockerfile, README.md, docs/)',
  },
  {
    pattern: /.*/,
    effect: 'outside-package',
    source: 'vllm-commit-facts 3127e975 (.pre-commit-config.yaml, .github/workflows/)',
  },
];

export interface ChangeReason {
  path: string;
  effect: ChangeEffect;
  /** The matching rule's source. */
  rule: string;
}

export interface ChangeClassification {
  needs: 'overlay' | 'build';
  reasons: ChangeReason[];
}

export function ruleFor(path: string): RebuildRule {
  const normalized = path.replace(/\\/g, '/').replace(/^\.\//, '');
  // The last row matches everything, so a rule is always found.
  return REBUILD_RULES.find((r) => r.pattern.test(normalized))!;
}

const NEEDS_BUILD: ReadonlySet<ChangeEffect> = new Set(['compile', 'dependency', 'build-config']);

/** The rebuild decision for a change set; `reasons` lists every path with its effect. */
export function classifyChange(paths: readonly string[]): ChangeClassification {
  const reasons = paths.map((path) => {
    const rule = ruleFor(path);
    return { path, effect: rule.effect, rule: rule.source };
  });
  return { needs: reasons.some((r) => NEEDS_BUILD.has(r.effect)) ? 'build' : 'overlay', reasons };
}

/** The commit-facts vocabulary: compile (or build config) dominates a dependency change. */
export type RebuildKind = 'no-compile' | 'compile' | 'dependencies';

export function rebuildKind(paths: readonly string[]): RebuildKind {
  const effects = new Set(classifyChange(paths).reasons.map((r) => r.effect));
  if (effects.has('compile') || effects.has('build-config')) return 'compile';
  if (effects.has('dependency')) return 'dependencies';
  return 'no-compile';
}

/** The reasons that force a build, for messages ("csrc/x.cu: compile"). */
export function buildReasons(c: ChangeClassification): ChangeReason[] {
  return c.reasons.filter((r) => NEEDS_BUILD.has(r.effect));
}
