import { computed, type ComputedRef, type Ref } from 'vue';
import type { DatasetInfo, ExperimentSpec } from '../../../../contract/index.js';
import { draftIssues, parseDraft, type ExperimentIssue } from '../../lib/draft-validation.js';
import type { ExperimentDraft } from '../../lib/experiment-draft.js';

/**
 * The draft's validation, derived (never stored): one `ExperimentSpec` parse per draft change, shared by
 * the issues, the parsed spec and whoever else needs to know whether the draft is complete (persistence).
 */
export function useDraftValidation(draft: Ref<ExperimentDraft>, dataset: ComputedRef<DatasetInfo | undefined>) {
  /** The contract's verdict on the draft as it stands (recomputed once per change, then cached). */
  const parsed = computed(() => parseDraft(draft.value));
  const issues = computed<ExperimentIssue[]>(() => draftIssues(draft.value, parsed.value, dataset.value));
  /** The first problem of each field, keyed by dotted path (`network.layers.0.units`). */
  const errors = computed(() => {
    const byPath: Record<string, ExperimentIssue> = {};
    for (const issue of issues.value) byPath[issue.path] ??= issue;
    return byPath;
  });
  const isValid = computed(() => issues.value.length === 0);
  /** The parsed experiment, ready for `runs/start`; null while the draft has any problem. */
  const spec = computed<ExperimentSpec | null>(() => (isValid.value && parsed.value.success ? parsed.value.data : null));

  /** The first problem of the field at dotted `path`, if any. */
  function errorAt(path: string): ExperimentIssue | undefined {
    return errors.value[path];
  }

  /** The first problem of layer `index` (its own fields or its shape), if any. */
  function layerIssue(index: number): ExperimentIssue | undefined {
    const prefix = `network.layers.${index}`;
    return issues.value.find((i) => i.path === prefix || i.path.startsWith(`${prefix}.`));
  }

  return { parsed, issues, errors, isValid, spec, errorAt, layerIssue };
}
