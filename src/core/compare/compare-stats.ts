/**
 * The statistics behind a three-way verdict, small and deterministic: a seeded PRNG, medians,
 * a percentile bootstrap of the ratio of medians, and a two-sided Mann–Whitney U test.
 *
 * Mann–Whitney: the exact null distribution of U (counted by recursion over the two sample sizes)
 * when there are no ties and n1 + n2 <= 40; otherwise the normal approximation with the tie
 * correction of the variance and a continuity correction of 0.5. Two-sided p = 2 × min tail, capped at 1.
 * simple-statistics' wilcoxonRankSum gives only the rank sum, not a p-value, so it is not used here.
 */

/** mulberry32: 32-bit state, good enough to resample, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  // The state lives in a typed array: a uint32 in a closure variable is boxed on every call.
  const state = new Uint32Array([seed >>> 0]);
  return () => {
    state[0] = state[0]! + 0x6d2b79f5;
    let t = state[0]! | 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * Draw values.length values with replacement into `into`, kept sorted as they arrive (insertion:
 * fastest for the handful of samples a benchmark has; typed-array sort above 64).
 */
function resampleSorted(values: readonly number[], into: Float64Array, random: () => number): void {
  const n = values.length;
  if (n > 64) {
    for (let k = 0; k < n; k++) into[k] = values[Math.floor(random() * n)]!;
    into.sort();
    return;
  }
  for (let k = 0; k < n; k++) {
    const v = values[Math.floor(random() * n)]!;
    let j = k - 1;
    while (j >= 0 && into[j]! > v) {
      into[j + 1] = into[j]!;
      j--;
    }
    into[j + 1] = v;
  }
}

function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** Linear-interpolated quantile of sorted values (the R-7 / numpy default). */
function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** 95% (by default) percentile-bootstrap interval of median(a) / median(b), resampling each side independently. */
export function bootstrapRatioCi(
  a: readonly number[],
  b: readonly number[],
  iterations: number,
  seed: number,
  level = 0.95,
): [number, number] {
  const random = seededRandom(seed);
  const ratios = new Float64Array(iterations);
  const bufA = new Float64Array(a.length);
  const bufB = new Float64Array(b.length);
  for (let i = 0; i < iterations; i++) {
    resampleSorted(a, bufA, random);
    resampleSorted(b, bufB, random);
    ratios[i] = medianOfSorted(bufA) / medianOfSorted(bufB);
  }
  const sorted = ratios.sort();
  const tail = (1 - level) / 2;
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

/** Counts of U = 0..n1*n2 under the null hypothesis (no ties), by the standard recursion. */
function exactUCounts(n1: number, n2: number): number[] {
  // f[i][j] is the distribution for sizes i and j; build it up row by row.
  let prev: number[][] = [];
  for (let i = 0; i <= n1; i++) {
    const row: number[][] = [];
    for (let j = 0; j <= n2; j++) {
      if (i === 0 || j === 0) {
        row.push([1]);
        continue;
      }
      const size = i * j + 1;
      const dist = new Array<number>(size).fill(0);
      // Largest value in the first sample is the largest overall: it exceeds all j of the other.
      const fromA = prev[j]!;
      for (let u = 0; u < fromA.length; u++) dist[u + j] = (dist[u + j] ?? 0) + fromA[u]!;
      const fromB = row[j - 1]!;
      for (let u = 0; u < fromB.length; u++) dist[u] = (dist[u] ?? 0) + fromB[u]!;
      row.push(dist);
    }
    prev = row;
  }
  return prev[n2]!;
}

export interface RankTest {
  u: number;
  p: number;
  method: 'exact' | 'normal';
  /** The smallest two-sided p-value these sample sizes can reach at all. */
  minAttainableP: number;
}

/** Two-sided Mann–Whitney U test of a against b. */
export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest {
  const n1 = a.length;
  const n2 = b.length;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  let hasTies = false;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    if (t > 1) {
      hasTies = true;
      tieTerm += t ** 3 - t;
    }
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let rankSumA = 0;
  all.forEach((item, idx) => {
    if (item.g === 0) rankSumA += ranks[idx]!;
  });
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const total = exactTotal(n1, n2);
  const minAttainableP = Math.min(1, 2 / total);
  if (!hasTies && n1 + n2 <= 40) {
    const counts = exactUCounts(n1, n2);
    const lower = counts.slice(0, Math.floor(u) + 1).reduce((s, c) => s + c, 0) / total;
    const upper = counts.slice(Math.ceil(u)).reduce((s, c) => s + c, 0) / total;
    return { u, p: Math.min(1, 2 * Math.min(lower, upper)), method: 'exact', minAttainableP };
  }
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const varU = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (varU <= 0) return { u, p: 1, method: 'normal', minAttainableP };
  const z = (Math.abs(u - meanU) - 0.5) / Math.sqrt(varU);
  const p = Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
  return { u, p, method: 'normal', minAttainableP };
}

/** C(n1 + n2, n1) as a float. */
function exactTotal(n1: number, n2: number): number {
  let result = 1;
  for (let k = 1; k <= n1; k++) result = (result * (n2 + k)) / k;
  return result;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf; error < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
