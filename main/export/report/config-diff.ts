/** A leaf of a JSON value: its dotted path (array items by index) and its value as compact JSON. */
export type LeafMap = Map<string, string>;

/** One configuration field that differs between runs: its path and each run's value (undefined: absent). */
export interface ConfigDifference {
  /** Dotted path, e.g. `network.layers.0.kernelInitializer.name` (array items by index). */
  path: string;
  /** Compact JSON of the value in each run, in run order; undefined where the run has no such field. */
  values: (string | undefined)[];
}

/**
 * The leaves of a JSON-like value keyed by dotted path: objects by key, arrays by index; empty objects
 * and arrays are leaves themselves (`{}`, `[]`), so adding a first item shows as a difference.
 */
export function jsonLeaves(value: unknown, prefix = '', out: LeafMap = new Map()): LeafMap {
  const isContainer = value !== null && typeof value === 'object';
  const entries = isContainer ? (Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value)) : [];
  if (entries.length === 0) {
    out.set(prefix, JSON.stringify(value) ?? 'undefined');
    return out;
  }
  for (const [key, child] of entries) {
    if (child === undefined) continue;
    jsonLeaves(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

/**
 * The fields that differ between the configurations of several runs: every leaf path (see
 * {@link jsonLeaves}) whose value is not the same in all runs, or that some run lacks, sorted by path.
 * @param configs one configuration per run (e.g. each run's experiment spec), in run order
 */
export function configDiff(configs: readonly unknown[]): ConfigDifference[] {
  const leaves = configs.map((c) => jsonLeaves(c));
  const paths = new Set(leaves.flatMap((l) => [...l.keys()]));
  const diffs: ConfigDifference[] = [];
  for (const path of [...paths].sort()) {
    const values = leaves.map((l) => l.get(path));
    if (values.some((v) => v !== values[0])) diffs.push({ path, values });
  }
  return diffs;
}

/** Number of leaf paths the configurations share with equal values (for "N fields identical"). */
export function identicalLeafCount(configs: readonly unknown[], diffs: readonly ConfigDifference[]): number {
  const paths = new Set(configs.flatMap((c) => [...jsonLeaves(c).keys()]));
  return paths.size - diffs.length;
}
