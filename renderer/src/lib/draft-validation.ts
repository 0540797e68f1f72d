import { datasetFacts, experimentProblems, ExperimentSpec, followShapes, type DatasetInfo } from '../../../contract/index.js';
import { toExperimentInput, type ExperimentDraft } from './experiment-draft.js';

/**
 * One problem with the draft, named by the dotted path of its field (`network.layers.0.units`).
 * `code` and `params` let the UI phrase it in the current language; `message` is zod's English text.
 */
export interface ExperimentIssue {
  path: string;
  code: string;
  message: string;
  params: Record<string, number | string>;
}

/** The outcome of checking a draft against the contract's `ExperimentSpec` (zod's safeParse result). */
export type DraftParse = ReturnType<typeof ExperimentSpec.safeParse>;

/** Parses the draft as the host will (`ExperimentSpec`); the one parse each draft change needs. */
export function parseDraft(draft: ExperimentDraft): DraftParse {
  return ExperimentSpec.safeParse(toExperimentInput(draft));
}

function zodIssueParams(issue: Record<string, unknown>): Record<string, number | string> {
  const params: Record<string, number | string> = {};
  for (const key of ['minimum', 'maximum', 'expected', 'received', 'origin', 'inclusive'] as const) {
    const v = issue[key];
    if (typeof v === 'number' || typeof v === 'string') params[key] = v;
    else if (typeof v === 'boolean') params[key] = v ? 'true' : 'false';
    else if (typeof v === 'bigint') params[key] = Number(v);
  }
  return params;
}

/**
 * For a field that is a word or a number (`statsEvery: 'auto' | number`), the number's problem ("must be
 * a whole number") rather than zod's "invalid input": the branch whose issue is not a wrong literal.
 */
function numberBranch(issue: { code: string; message: string; path: PropertyKey[] }): { code: string; message: string } {
  if (issue.code !== 'invalid_union') return issue;
  const branches = (issue as unknown as { errors?: { code: string; message: string; path: PropertyKey[] }[][] }).errors ?? [];
  const inner = branches.map((b) => b[0]).find((i) => i && i.path.length === 0 && i.code !== 'invalid_value');
  return inner ?? issue;
}

/**
 * The problems of `draft`, given its parse (from {@link parseDraft}, so a caller that also needs the
 * parsed spec parses once): the contract's field errors, or — once it parses and the dataset is known —
 * the host's own checks (contract `experimentProblems`: input and layer shapes, output vs loss and
 * labels, memory estimate), so Train is disabled exactly when the host would refuse the run.
 */
export function draftIssues(draft: ExperimentDraft, parsed: DraftParse, dataset?: DatasetInfo): ExperimentIssue[] {
  const issues: ExperimentIssue[] = [];
  if (parsed.success && dataset) {
    for (const problem of experimentProblems(parsed.data, datasetFacts(dataset, parsed.data.dataset))) {
      issues.push({ path: problem.path, code: problem.code, message: problem.message, params: problem.params });
    }
    return issues;
  }
  if (!parsed.success) {
    for (const outer of parsed.error.issues) {
      const issue = numberBranch(outer);
      issues.push({
        path: outer.path.map(String).join('.') || '(root)',
        code: issue.code,
        message: issue.message,
        params: zodIssueParams(issue as unknown as Record<string, unknown>),
      });
    }
  }
  // While a field is invalid (or the dataset unknown), still point at the layers that cannot take their input.
  for (const shape of followShapes(draft.network.inputShape, draft.network.layers)) {
    if (!shape.problem) continue;
    issues.push({
      path: `network.layers.${shape.index}`,
      code: 'shape',
      message: shape.problem.message,
      params: { shapeCode: shape.problem.code, ...shape.problem.params },
    });
  }
  if (dataset && draft.network.inputShape.join(',') !== dataset.inputShape.join(',')) {
    const shape = dataset.inputShape.join(',');
    issues.push({ path: 'network.inputShape', code: 'inputShape', message: `does not match [${shape}]`, params: { shape } });
  }
  return issues;
}

/** {@link draftIssues} of a draft not parsed yet (one parse). */
export function validateDraft(draft: ExperimentDraft, dataset?: DatasetInfo): ExperimentIssue[] {
  return draftIssues(draft, parseDraft(draft), dataset);
}
