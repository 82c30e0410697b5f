/**
 * Commits that setuptools-scm versions are counted from (vLLM dropped the literal `__version__`
 * in 2024-10: vllm/version.py imports a generated `_version.py`). A build's version is
 * `<tag>.post<n+1>.dev<distance>` (or `<next patch>.dev<distance>` after a plain tag); the mirror
 * has no tags, so each anchor comes from a version string the seeds saw and the commit it points
 * to (`<commit>~<distance>`).
 */
export interface ScmAnchor {
  /** Full sha of the tagged commit. */
  commit: string;
  /** The tag's version (without `v`). */
  version: string;
  source: string;
}

export const SCM_ANCHORS: ScmAnchor[] = [
  {
    commit: 'c76ac49d266e27aa3fea84ef2df1f813d24c91c7',
    version: '0.6.4.post1',
    source: 'seeds/000_cc6954765d4c8c41.txt (25ebed2f built as 0.6.4.post2.dev375; 25ebed2f~375 = c76ac49d2)',
  },
  {
    commit: '7871659abb247563199a2f4cfbd7dd1c35586e0d',
    version: '0.6.3.post1',
    source: 'seeds/000_cc6954765d4c8c41.txt (b2e0ad3b built as 0.6.3.post2.dev398; b2e0ad3b~398 = 7871659ab)',
  },
];

/** setuptools-scm's guess for a build `distance` commits after the tag `version`. */
export function scmVersion(version: string, distance: number): string {
  if (distance === 0) return version;
  const post = /^(\d+\.\d+\.\d+)\.post(\d+)$/.exec(version);
  if (post) return `${post[1]}.post${Number(post[2]) + 1}.dev${distance}`;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (m) return `${m[1]}.${m[2]}.${Number(m[3]) + 1}.dev${distance}`;
  return `${version}.dev${distance}`;
}
