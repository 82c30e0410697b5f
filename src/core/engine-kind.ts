/** Which engine a sweep drives: vLLM, or the bundled demo engine (chosen from the dataset's repo). */
export type EngineKind = 'vllm' | 'demo';

/** The repository name of the bundled demo engine's dataset rows. */
const DEMO_ENGINE_REPO = 'benchsweep/demo-engine';

/** The engine when none is given: the demo only when every task is the demo's. */
export function engineForRepos(repos: string[]): EngineKind {
  return repos.length > 0 && repos.every((r) => r === DEMO_ENGINE_REPO) ? 'demo' : 'vllm';
}
