import { describeIssues, ExperimentSpec, NetworkSpec, parseJsonText, type FieldIssue } from '../../../contract/index.js';

/**
 * The outcome of reading a file from "Open JSON": a whole experiment (ExperimentSpec, as "Save JSON" and
 * `initscope train` write it), a network only (a NetworkSpec, as older builds saved), or what is wrong
 * and where.
 */
export type ExperimentFileResult =
  | { ok: true; kind: 'experiment'; experiment: ExperimentSpec }
  | { ok: true; kind: 'network'; network: NetworkSpec }
  | { ok: false; kind: 'json'; line: number; column: number; message: string }
  | { ok: false; kind: 'schema'; issues: FieldIssue[] };

/** Pretty JSON text of a whole experiment, as written by "Save JSON" (readable by `initscope train`). */
export function experimentToJson(experiment: ExperimentSpec): string {
  return `${JSON.stringify(experiment, null, 2)}\n`;
}

/** A file name for `experiment`: its name with characters unsafe in file names replaced, `.json`. */
export function experimentFileName(experiment: Pick<ExperimentSpec, 'name'>): string {
  const base = experiment.name
    .replace(/[\\/:*?"<>|\s]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${base || 'experiment'}.json`;
}

/**
 * Reads an experiment file. An object with `layers` is a network; anything else must be an
 * ExperimentSpec. Bad JSON is reported with its line and column; a bad field by its dotted path
 * (`network.layers.2.units`).
 */
export function parseExperimentFile(text: string): ExperimentFileResult {
  const json = parseJsonText(text);
  if (!json.ok) return { ok: false, kind: 'json', ...json.error };
  const raw = json.value;
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'layers' in raw) {
    const network = NetworkSpec.safeParse(raw);
    if (!network.success) return { ok: false, kind: 'schema', issues: describeIssues(network.error) };
    return { ok: true, kind: 'network', network: network.data };
  }
  const parsed = ExperimentSpec.safeParse(raw);
  if (!parsed.success) return { ok: false, kind: 'schema', issues: describeIssues(parsed.error) };
  return { ok: true, kind: 'experiment', experiment: parsed.data };
}
