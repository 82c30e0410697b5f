/**
 * Commits that only change code for other hardware than the runners' NVIDIA GPUs (ROCm, Neuron,
 * TPU, XPU, HPU/Gaudi, the CPU backend): measuring them on an H100 compares two identical code
 * paths. Evidence comes from three places: the commit title's tag, the files it changes, and flags
 * of the command (`--device neuron`).
 */

export type Platform = 'ROCm' | 'Neuron' | 'TPU' | 'XPU' | 'HPU' | 'CPU';

export interface HardwareRow {
  platform: Platform;
  /** A commit title that names the platform (a `[ROCm]` tag, "neuron" as a word). */
  title: RegExp;
  /** Engine files that only that platform runs. */
  paths: RegExp;
  /** `--device` values and VLLM_TARGET_DEVICE values naming the platform. */
  device: RegExp;
  source: string;
}

export const HARDWARE: HardwareRow[] = [
  {
    platform: 'ROCm',
    title: /\[(rocm|amd|hip)\]|\brocm\b|\bmi[23]\d0x?\b/i,
    paths:
      /(^|\/)(rocm|hip)[_/.]|_rocm\b|rocm_|\/rocm\/|amd_instinct|device_name=amd|aiter|(^|\/)dockerfile\.rocm|requirements[-/]rocm/i,
    device: /^(rocm|hip|amd)$/i,
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    platform: 'Neuron',
    title: /\[neuron\]|\bneuron\b|\binferentia\b|\btrainium\b/i,
    paths: /neuron/i,
    device: /^neuron$/i,
    source: 'seeds/004_394875ce6bc9e493.txt',
  },
  {
    platform: 'TPU',
    title: /\[tpu\]|\btpu\b/i,
    paths: /(^|[/_.-])tpu([/_.-]|$)|pallas/i,
    device: /^tpu$/i,
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    platform: 'XPU',
    title: /\[xpu\]|\bxpu\b/i,
    paths: /(^|[/_.-])xpu([/_.-]|$)/i,
    device: /^xpu$/i,
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    platform: 'HPU',
    title: /\[(hpu|gaudi|intel-gaudi)\]|\bhpu\b|\bgaudi\b|\bhabana\b/i,
    paths: /(^|[/_.-])hpu([/_.-]|$)|habana|gaudi/i,
    device: /^hpu$/i,
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    platform: 'CPU',
    // "CPU overheads" is about every backend; only a tag or "CPU backend" names the platform.
    title: /\[cpu\]|\bcpu backend\b|\[hardware\]\[intel\]/i,
    paths:
      /(^|\/)csrc\/cpu\/|vllm\/(worker|executor|v1\/worker)\/cpu_|vllm\/platforms\/cpu\.py|attention\/backends\/(torch_sdpa|cpu_)|attention\/ops\/ipex_attn|(^|\/)dockerfile\.cpu|requirements[-/]cpu/i,
    device: /^cpu$/i,
    source: 'seeds/002_f130af2cc98f1551.txt',
  },
];

/** Files that change what the engine runs (the package and its compiled sources). */
export function isEngineFile(path: string): boolean {
  return /^(vllm|csrc|cmake)\//.test(path) || /^(CMakeLists\.txt|setup\.py)$/.test(path);
}

export function platformOfPath(path: string): Platform | undefined {
  return HARDWARE.find((h) => h.paths.test(path))?.platform;
}
