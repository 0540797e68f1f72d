import { useI18n } from 'vue-i18n';
import { useExperimentStore } from '../stores/experiment.js';
import { describeIssue, describeProblem } from './issues.js';

/** Translated validation text for the experiment form. */
export function useIssueText() {
  const { t } = useI18n();
  const experiment = useExperimentStore();
  const tr = (key: string, named?: Record<string, unknown>): string => t(key, named ?? {});
  const tc = (key: string, named: Record<string, unknown>, plural: number): string => t(key, named, plural);

  /** What is wrong with the field at `path` ("must be at least 1"), or '' when it is fine. */
  function fieldError(path: string): string {
    const issue = experiment.errorAt(path);
    return issue ? describeProblem(issue, tr, tc) : '';
  }

  /** The first error under a path prefix (for a compound control such as an initializer and its parameters). */
  function errorUnder(prefix: string): string {
    const issue = experiment.issues.find((i) => i.path === prefix || i.path.startsWith(`${prefix}.`));
    return issue ? describeProblem(issue, tr, tc) : '';
  }

  /** A whole sentence naming the field ("Layer 1 units: must be at least 1"). */
  function issueText(index = 0): string {
    const issue = experiment.issues[index];
    return issue ? describeIssue(issue, tr, tc) : '';
  }

  /** What is wrong with layer `index` as a sentence naming the layer and field, or '' when it is fine. */
  function layerProblem(index: number): string {
    const issue = experiment.layerIssue(index);
    return issue ? describeIssue(issue, tr, tc) : '';
  }

  return { fieldError, errorUnder, issueText, layerProblem };
}
