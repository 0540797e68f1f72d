import {
  describeIssues,
  ExperimentSpec,
  InitScopeError,
  MAX_SWEEP_RUNS,
  SWEEP_AXIS_NAMES,
  type SweepAxisInfo,
  type SweepAxisName,
  type SweepCoords,
  type SweepPlan,
  type SweepSpec,
} from '../../contract/index.js';
import { axisLabels } from './sweep-labels.js';
import { withDepth, withHiddenActivation, withKernelInitializer } from './sweep-network.js';

/** One run of an expanded sweep. */
export interface PlannedRun {
  /** 0-based order; seeds are the outermost loop, so every cell gets its first seed early. */
  position: number;
  seedIndex: number;
  /** `base.train.seed + seedIndex`: initial weights, split, shuffling and dropout. */
  seed: number;
  coords: SweepCoords;
  experiment: ExperimentSpec;
}

/** A sweep expanded into its runs. */
export interface ExpandedSweep {
  plan: SweepPlan;
  runs: PlannedRun[];
}

const MAX_SEED = 2 ** 31 - 1;
const MAX_NAME = 200;

/** The axes the spec varies, in SWEEP_AXIS_NAMES order, with their labels. */
export function sweepAxes(spec: SweepSpec): SweepAxisInfo[] {
  return SWEEP_AXIS_NAMES.filter((name) => spec.axes[name] !== undefined).map((name) => ({ name, labels: axisLabels(name, spec.axes) }));
}

/**
 * Sizes a sweep without building its runs: axis sizes, seeds and total = Π sizes × seeds.
 * @throws InitScopeError `invalid_input` when the total exceeds MAX_SWEEP_RUNS (the message shows the
 *   product), when an axis repeats a value (naming `axes.<axis>.<index>`), or when a seed would pass 2³¹−1
 */
export function planSweep(spec: SweepSpec): SweepPlan {
  const axes = sweepAxes(spec);
  for (const axis of axes) checkDistinct(axis.name, spec.axes[axis.name] as readonly unknown[]);
  const seeds = spec.axes.seeds;
  if (spec.base.train.seed + seeds - 1 > MAX_SEED) {
    throw new InitScopeError('invalid_input', `Invalid sweep: axes.seeds: base seed ${spec.base.train.seed} + ${seeds} seeds passes ${MAX_SEED}`);
  }
  const total = axes.reduce((n, a) => n * a.labels.length, seeds);
  const factors = [...axes.map((a) => `${a.labels.length} ${a.name}`), `${seeds} seed${seeds === 1 ? '' : 's'}`];
  const description = `${factors.join(' × ')} = ${total} run${total === 1 ? '' : 's'}`;
  if (total > MAX_SWEEP_RUNS) {
    throw new InitScopeError(
      'invalid_input',
      `Sweep "${spec.name}" is too large: ${description}; the limit is ${MAX_SWEEP_RUNS} runs. Remove values from an axis or use fewer seeds.`,
      { total, maxRuns: MAX_SWEEP_RUNS },
    );
  }
  return { name: spec.name, axes, seeds, total, description, maxRuns: MAX_SWEEP_RUNS };
}

/**
 * Expands a sweep into its runs (see {@link planSweep} for the checks). Order: seeds outermost, then
 * the axes in SWEEP_AXIS_NAMES order, the last one varying fastest. For one seed every run shares the
 * data split and, where only non-initializer axes differ, the initial weights (the engine seeds them
 * from `train.seed` and the layer index only).
 */
export function expandSweep(spec: SweepSpec): ExpandedSweep {
  const plan = planSweep(spec);
  const sizes = plan.axes.map((a) => a.labels.length);
  const cellCount = sizes.reduce((a, b) => a * b, 1);
  const runs: PlannedRun[] = [];
  for (let seedIndex = 0; seedIndex < plan.seeds; seedIndex++) {
    for (let cell = 0; cell < cellCount; cell++) {
      const coords: SweepCoords = {};
      let rest = cell;
      for (let k = plan.axes.length - 1; k >= 0; k--) {
        const size = sizes[k] as number;
        coords[(plan.axes[k] as SweepAxisInfo).name] = rest % size;
        rest = Math.floor(rest / size);
      }
      const seed = spec.base.train.seed + seedIndex;
      runs.push({ position: runs.length, seedIndex, seed, coords, experiment: buildRunExperiment(spec, plan.axes, coords, seed) });
    }
  }
  return { plan, runs };
}

/** The experiment of one grid point: the base with each axis value applied, then validated. */
export function buildRunExperiment(spec: SweepSpec, axes: readonly SweepAxisInfo[], coords: SweepCoords, seed: number): ExperimentSpec {
  const a = spec.axes;
  const pick = <T>(name: SweepAxisName, values: readonly T[] | undefined): T | undefined => (values === undefined ? undefined : values[coords[name] ?? 0]);
  const base = spec.base;
  let layers = base.network.layers;
  const depth = pick('depth', a.depth);
  if (depth !== undefined) layers = withDepth(layers, depth);
  const initializer = pick('initializer', a.initializer);
  if (initializer) layers = withKernelInitializer(layers, initializer);
  const activation = pick('activation', a.activation);
  if (activation) layers = withHiddenActivation(layers, activation);
  let optimizer = pick('optimizer', a.optimizer) ?? base.train.optimizer;
  const learningRate = pick('learningRate', a.learningRate);
  if (learningRate !== undefined) optimizer = { ...optimizer, learningRate };
  const batchSize = pick('batchSize', a.batchSize) ?? base.train.batchSize;
  const labels = axes.map((axis) => `${axis.name}=${axis.labels[coords[axis.name] ?? 0]}`);
  const name = [spec.name, ...labels, `seed=${seed}`].join(' · ').slice(0, MAX_NAME);
  const raw = {
    ...base,
    name,
    network: { ...base.network, layers },
    train: { ...base.train, optimizer, batchSize, seed },
  };
  const parsed = ExperimentSpec.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new InitScopeError('invalid_input', `Invalid sweep: the run ${labels.join(', ') || '(base)'} is not a valid experiment: ${problems}`);
  }
  return parsed.data;
}

function checkDistinct(name: SweepAxisName, values: readonly unknown[]): void {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const key = JSON.stringify(value);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InitScopeError('invalid_input', `Invalid sweep: axes.${name}.${index}: repeats axes.${name}.${first} (${key})`);
    }
    seen.set(key, index);
  });
}
