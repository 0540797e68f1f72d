/**
 * V8 flags every engine worker process starts with (`child_process.fork` execArgv: the pool's launcher
 * and the CLI's early workers). Node built-ins only, none even: early-worker.ts imports this before the
 * CLI loads.
 *
 * `--initial-old-space-size=64` (MB): V8 starts the old generation's first full-GC limit at 64 MB
 * instead of its default (a full GC came every ~25–30 MB, about once per run of the seed-article MLP).
 * A full GC drops the optimised code of functions whose closures have all died, and a run's closures
 * (the model's forward pass, the optimizer's step, TensorFlow.js's per-step gradient functions) die
 * when it ends, so every later run compiled them again: 3.5–4.4 CPU-s of background compilation over
 * the 45 runs of one worker, 1.6 s with this flag (full GCs 43–45 → 8), at ~+40 MB peak memory per
 * worker. On a machine whose cores all train, that compilation took CPU from the other workers.
 */
export const ENGINE_WORKER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=64'];
