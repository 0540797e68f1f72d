/**
 * Entry point of a gradient peer: a worker thread of an engine worker process with its own
 * TensorFlow.js instance (see gradient-peer.ts). It computes the gradients of the second part of a batch while
 * the worker's main thread computes the first (the same code the main thread runs when the peer is not
 * available: share-gradients.ts). Messages: peer-protocol.ts, handled one at a time in order.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../backend.js';
import type { TF } from '../tf.js';
import type { FromPeer, ToPeer } from './peer-protocol.js';
import { buildShareNetwork, shareGradients, type ShareNetwork } from './share-gradients.js';

const port = parentPort;
if (!port) throw new Error('peer-thread.ts must run as a worker thread (see engine/parallel/gradient-peer.ts)');

let tf: TF | null = null;
let network: ShareNetwork | null = null;

const post = (message: FromPeer, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

function release(): void {
  network?.model.dispose();
  network = null;
}

/** Gradients of one part of a batch with the main thread's current weights (see shareGradients). */
function gradients(m: Extract<ToPeer, { type: 'gradients' }>): void {
  const received = performance.now();
  if (!tf || !network) throw new Error('gradient peer: no network prepared');
  const { loss, correct, grads } = shareGradients(tf, network, m);
  post(
    { type: 'gradients', id: m.id, loss, correct, grads, busyMs: performance.now() - received },
    grads.map((g) => g.buffer as ArrayBuffer),
  );
}

async function handle(m: ToPeer): Promise<void> {
  switch (m.type) {
    case 'init':
      try {
        const info = await initBackend(m.backend, m.kernels);
        tf = info.tf;
        post({ type: 'ready', backend: info.backend });
      } catch (error) {
        post({ type: 'failed', error: errorMessage(error) });
      }
      return;
    case 'prepare': {
      if (!tf) throw new Error('gradient peer: prepare before init');
      release();
      network = buildShareNetwork(tf, m);
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
