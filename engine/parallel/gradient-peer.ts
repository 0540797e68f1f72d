import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ActivationSpec, LossName, NetworkSpec } from '../../contract/index.js';
import { unpackedPath } from '../asar-path.js';
import type { BackendPreference } from '../backend.js';
import type { WasmKernelSet } from '../kernels/index.js';
import type { FromPeer, ToPeer } from './peer-protocol.js';

/** What a peer computed for its share of a batch. */
export interface PeerGradients {
  /** lossScale × the mean loss over the peer's samples. */
  loss: number;
  /** Samples the peer classified correctly. */
  correct: number;
  /** One gradient per model variable, model.variables order, each with the variable's size. */
  grads: Float32Array[];
  /** How long the peer worked on the request (ms, from receiving it to answering). */
  busyMs: number;
}

/** The network and loss a peer must build for a run (see ToPeer 'prepare'). */
export interface PeerNetwork {
  network: NetworkSpec;
  loss: LossName;
  outputActivation: ActivationSpec;
  outputUnits: number;
  numClasses: number;
  /** μP's readout multiplier (engine/mup-plan.ts); absent for a standard run. */
  readout?: { layer: number; factor: number };
}

/** How to start the peer thread: the compiled entry next to this file, or the TypeScript source through tsx (tests). */
function startThread(): Worker {
  const compiled = new URL('./peer-thread.js', import.meta.url);
  // In a packed desktop app: the copy outside app.asar, whose imports resolve on the real file system.
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(compiled))) return new Worker(unpackedPath(fileURLToPath(compiled)));
  const source = new URL('./peer-thread.ts', import.meta.url).href;
  // Worker threads do not inherit tsx's loader hooks; tsImport registers them for this one import.
  const bootstrap = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * A second TensorFlow.js instance in a worker thread of this process, computing the gradients of part
 * of a batch while the caller computes the rest (data parallelism over two cores; see split-step.ts).
 * It holds a copy of the run's network whose weights the caller sends with every request, so it never
 * drifts from the caller's model. Starting takes about a second (loading TensorFlow.js and its wasm);
 * until then `isReady` is false and the caller trains alone. Any failure of the thread marks it
 * broken (`isBroken`) instead of failing the run. The thread does not keep the process alive.
 */
export class GradientPeer {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (g: PeerGradients) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private state: 'starting' | 'ready' | 'broken' = 'starting';
  private brokenReason = '';
  /** Resolves true once the thread has loaded TensorFlow.js, false if it could not. */
  readonly ready: Promise<boolean>;

  /**
   * Starts the thread and loads TensorFlow.js on `backend` there with wasm kernel set `kernels` (the
   * caller's own: the two parts of a batch must compute with the same kernels).
   * @param log receives one line when the peer breaks
   */
  constructor(
    backend: BackendPreference,
    kernels: WasmKernelSet,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.worker = startThread();
    this.worker.unref();
    this.ready = new Promise<boolean>((resolve) => {
      this.worker.on('message', (m: FromPeer) => {
        if (m.type === 'ready') {
          if (this.state === 'starting') this.state = 'ready';
          resolve(this.state === 'ready');
        } else if (m.type === 'failed') {
          this.break(m.error);
          resolve(false);
        } else if (m.type === 'gradients') {
          const waiter = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (!waiter) return;
          if ('error' in m) waiter.reject(new Error(m.error));
          else waiter.resolve({ loss: m.loss, correct: m.correct, grads: m.grads, busyMs: m.busyMs });
        }
      });
      this.worker.on('error', (error) => {
        this.break(error.message);
        resolve(false);
      });
      this.worker.on('exit', (code) => {
        this.break(`the thread exited (code ${code})`);
        resolve(false);
      });
    });
    this.send({ type: 'init', backend, kernels });
  }

  /** True once started and until it breaks. */
  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** True after any failure (the thread is then stopped and never used again). */
  get isBroken(): boolean {
    return this.state === 'broken';
  }

  /** Why the peer broke ('' while it has not). */
  get reason(): string {
    return this.brokenReason;
  }

  /** Builds the run's network and loss in the thread (replacing any earlier one). */
  prepare(network: PeerNetwork): void {
    this.send({ type: 'prepare', ...network });
  }

  /** Frees the thread's network (between runs). */
  release(): void {
    this.send({ type: 'release' });
  }

  /**
   * Gradients of `lossScale` × the mean loss over `n` samples, with `weights` (one array per variable,
   * model.variables order). Every array is transferred: the caller must not use them afterwards.
   * @param x row-major [n, ...inputShape]
   * @param y [n] class indices (Int32Array) or regression targets (Float32Array)
   * @returns a promise that rejects if the peer fails (it is then broken)
   */
  gradients(weights: Float32Array[], x: Float32Array, y: Int32Array | Float32Array, n: number, dropoutSeed: number, lossScale = 1): Promise<PeerGradients> {
    if (this.state !== 'ready') return Promise.reject(new Error(`gradient peer is not ready${this.brokenReason ? ` (${this.brokenReason})` : ''}`));
    const id = this.nextId++;
    const result = new Promise<PeerGradients>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const transfer = [...weights.map((w) => w.buffer as ArrayBuffer), x.buffer as ArrayBuffer, y.buffer as ArrayBuffer];
    this.send({ type: 'gradients', id, weights, x, y, n, dropoutSeed, lossScale }, transfer);
    return result;
  }

  /** Stops the thread; pending requests reject. */
  async terminate(): Promise<void> {
    this.break('terminated');
    await this.worker.terminate();
  }

  /** Marks the peer broken (once), rejects what is pending and stops the thread. */
  private break(reason: string): void {
    if (this.state === 'broken') return;
    const wasStarted = this.state === 'ready';
    this.state = 'broken';
    this.brokenReason = reason;
    for (const waiter of this.pending.values()) waiter.reject(new Error(`gradient peer failed: ${reason}`));
    this.pending.clear();
    if (reason !== 'terminated') {
      this.log(`engine worker: the second core's gradient thread ${wasStarted ? 'failed' : 'could not start'} (${reason}); training on one core`);
      void this.worker.terminate();
    }
  }

  private send(message: ToPeer, transfer: ArrayBuffer[] = []): void {
    if (this.state === 'broken') return;
    this.worker.postMessage(message, transfer);
  }
}
