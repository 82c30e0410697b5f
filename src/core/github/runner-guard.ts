/**
 * The self-hosted runner's own check, run by its job-started hook (ACTIONS_RUNNER_HOOK_JOB_STARTED)
 * before any step of a job: a job runs only when its workflow file comes from the default branch
 * of the event's repository. A hook lives on the runner machine, so no workflow (a fork's edited
 * verify-pr.yml, a new workflow in a PR, a workflow_dispatch from a feature branch) can remove it;
 * and the default branch only changes through review.
 *
 * GITHUB_WORKFLOW_REF is `owner/repo/.github/workflows/file.yml@refs/heads/main`: for a
 * `pull_request` event the ref is `refs/pull/N/merge` (the PR's own workflow files), for
 * `pull_request_target`, `workflow_run`, `schedule` and `issue_comment` it is the default branch.
 */
import { z } from 'zod';

export interface RunnerGuardInput {
  /** GITHUB_WORKFLOW_REF. */
  workflowRef: string | undefined;
  /** The event payload (GITHUB_EVENT_PATH's JSON), or undefined when it could not be read. */
  event: unknown;
  /** GITHUB_REPOSITORY, compared with the workflow ref's repository. */
  repository?: string;
  /** The runner machine's own setting (BENCHSWEEP_DEFAULT_BRANCH), used when the event names no default branch. */
  defaultBranch?: string;
}

export interface RunnerGuardDecision {
  allowed: boolean;
  /** One line, for the job log. */
  reason: string;
  workflow?: string;
  ref?: string;
  defaultBranch?: string;
}

const EventRepository = z.looseObject({
  repository: z.looseObject({ full_name: z.string().optional(), default_branch: z.string().optional() }).optional(),
});

/** `owner/repo/.github/workflows/x.yml@refs/heads/main` → its parts (undefined when it is not that shape). */
export function parseWorkflowRef(ref: string): { repository: string; path: string; ref: string } | undefined {
  const at = ref.lastIndexOf('@');
  if (at < 0) return undefined;
  const left = ref.slice(0, at);
  const m = /^([^/\s]+\/[^/\s]+)\/(\.github\/workflows\/[^@\s]+)$/.exec(left);
  const gitRef = ref.slice(at + 1);
  if (!m || !/^refs\/\S+$/.test(gitRef)) return undefined;
  return { repository: m[1]!, path: m[2]!, ref: gitRef };
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

export function decideRunnerGuard(input: RunnerGuardInput): RunnerGuardDecision {
  const refuse = (reason: string, extra: Partial<RunnerGuardDecision> = {}): RunnerGuardDecision => ({
    allowed: false,
    reason: oneLine(`runner-guard: refused: ${reason}`),
    ...extra,
  });
  if (!input.workflowRef)
    return refuse('GITHUB_WORKFLOW_REF is not set: cannot tell where the job’s workflow file comes from');
  const wf = parseWorkflowRef(input.workflowRef);
  if (!wf) return refuse(`GITHUB_WORKFLOW_REF is not a workflow reference: ${JSON.stringify(input.workflowRef)}`);
  const parsed = EventRepository.safeParse(input.event);
  const repo = parsed.success ? parsed.data.repository : undefined;
  const defaultBranch = repo?.default_branch ?? input.defaultBranch;
  const common = { workflow: `${wf.repository}/${wf.path}`, ref: wf.ref, ...(defaultBranch ? { defaultBranch } : {}) };
  if (!defaultBranch)
    return refuse(
      'the event names no default branch (repository.default_branch) and BENCHSWEEP_DEFAULT_BRANCH is not set on this runner',
      common,
    );
  const expectedRepo = repo?.full_name ?? input.repository;
  if (expectedRepo && expectedRepo.toLowerCase() !== wf.repository.toLowerCase()) {
    return refuse(`the workflow ${wf.path} belongs to ${wf.repository}, not to ${expectedRepo}`, common);
  }
  if (input.repository && input.repository.toLowerCase() !== wf.repository.toLowerCase()) {
    return refuse(`the workflow ${wf.path} belongs to ${wf.repository}, not to ${input.repository}`, common);
  }
  const want = `refs/heads/${defaultBranch}`;
  if (wf.ref !== want) {
    return refuse(
      `${wf.path} comes from ${wf.ref}, not from the default branch (${want}): self-hosted runners run only workflows the default branch defines`,
      common,
    );
  }
  return {
    allowed: true,
    reason: oneLine(`runner-guard: allowed: ${wf.path} at ${wf.ref} (the default branch of ${wf.repository})`),
    ...common,
  };
}
