/**
 * Entry point of a gradient peer: a worker thread of an engine worker process with its own
 * TensorFlow.js instance (see gradient-peer.ts). It computes the gradients of half a batch while the
 * worker's main thread computes the other half. Messages: peer-protocol.ts, handled one at a time in order.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../backend.js';
import { createLoss, type LossFunction } from '../losses.js';
import { buildModel, type Model } from '../model.js';
import { computeBatchGradients, disposeBatchGradients } from '../step.js';
import type { TF } from '../tf.js';
import type { FromPeer, ToPeer } from './peer-protocol.js';

const port = parentPort;
if (!port) throw new Error('peer-thread.ts must run as a worker thread (see engine/parallel/gradient-peer.ts)');

let tf: TF | null = null;
let network: { model: Model; lossFn: LossFunction } | null = null;

const post = (message: FromPeer, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

function release(): void {
  network?.model.dispose();
  network = null;
}

/** Gradients of one half batch with the main thread's current weights. */
function gradients(m: Extract<ToPeer, { type: 'gradients' }>): void {
  const received = performance.now();
  if (!tf || !network) throw new Error('gradient peer: no network prepared');
  const t = tf;
  const { model, lossFn } = network;
  model.variables.forEach((v, i) => {
    const w = m.weights[i];
    if (!w || w.length !== v.size) throw new Error(`gradient peer: weights of variable ${i} have ${w?.length ?? 0} values, expected ${v.size}`);
    t.tidy(() => v.assign(t.tensor(w, v.shape, 'float32')));
  });
  const xb = t.tensor(m.x, [m.n, ...model.inputShape], 'float32');
  const yb = t.tensor1d(m.y, m.y instanceof Float32Array ? 'float32' : 'int32');
  try {
    const computed = computeBatchGradients(t, model, lossFn, xb, yb, m.dropoutSeed, m.lossScale);
    try {
      const grads = model.variables.map((v) => {
        const g = computed.grads[v.name];
        return g ? (g.dataSync() as Float32Array).slice() : new Float32Array(v.size);
      });
      const loss = computed.value.dataSync()[0] as number;
      const correct = computed.correct.dataSync()[0] as number;
      post({ type: 'gradients', id: m.id, loss, correct, grads, busyMs: performance.now() - received }, grads.map((g) => g.buffer as ArrayBuffer));
    } finally {
      disposeBatchGradients(computed);
    }
  } finally {
    xb.dispose();
    yb.dispose();
  }
}

async function handle(m: ToPeer): Promise<void> {
  switch (m.type) {
    case 'init':
      try {
        const info = await initBackend(m.backend);
        tf = info.tf;
        post({ type: 'ready', backend: info.backend });
      } catch (error) {
        post({ type: 'failed', error: errorMessage(error) });
      }
      return;
    case 'prepare': {
      if (!tf) throw new Error('gradient peer: prepare before init');
      release();
      const model = buildModel(tf, m.network, { seed: 0 });
      const lossFn = createLoss(tf, m.loss, { outputActivation: m.outputActivation, outputUnits: m.outputUnits, numClasses: m.numClasses });
      network = { model, lossFn };
      return;
    }
    case 'gradients':
      try {
        gradients(m);
      } catch (error) {
        post({ type: 'gradients', id: m.id, error: errorMessage(error) });
      }
      return;
    case 'release':
      release();
      return;
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (m: ToPeer) => {
  queue = queue.then(() => handle(m)).catch((error: unknown) => post({ type: 'failed', error: errorMessage(error) }));
});
