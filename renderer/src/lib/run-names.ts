import { autoRunName, type RunNameTemplates, type RunSummary } from '../../../contract/index.js';
import { isLocale, messages } from '../i18n/index.js';

/** The words of automatic run names in `locale` (its `runName` messages; English for an unknown locale). */
export function runNameLabels(locale: string): RunNameTemplates {
  return (isLocale(locale) ? messages[locale] : messages.en).runName;
}

/**
 * The name to show for a run: the user's own name, else the automatic name in the UI's language
 * (contract/run-name.ts). A summary from a host without custom names (no `customName` field) keeps
 * the host's name.
 */
export function displayRunName(run: RunSummary, labels: RunNameTemplates): string {
  if (run.customName) return run.customName;
  if (run.customName === undefined) return run.name;
  return autoRunName(run.experiment, run.datasetName, labels);
}
