import type { TF } from '../tf.js';
import { GradientPeer, type PeerNetwork } from './gradient-peer.js';
import { buildShareNetwork, type ShareNetwork } from './share-gradients.js';
import type { WasmKernelSet } from '../kernels/index.js';
import type { SplitDecision } from './split-policy.js';

/** Where a split step's second part is computed (see trainStepSplit). */
export interface SplitParts {
  /**
   * The peer to compute this step's second part, or null to compute it on this thread: null while the
   * pool allows one core and while the peer starts. Call before every step. Never changes the numbers.
   */
  peerNow(): GradientPeer | null;
  /** This thread's copy of the network for the second part (built on first use, freed by end()). */
  local(): ShareNetwork;
}

/** One run's two-part step layout (decided before it trains) and its access to the second core. */
export interface RunSplit extends SplitParts {
  /** Why the run computes its batches in two parts (see decideSplit; always `split: true` here). */
  readonly decision: SplitDecision;
  /** Frees the peer's and this thread's copies of the network; call once when the run ends. */
  end(): void;
}

/** What trainRun asks of a splitter (see BatchSplitter). */
export interface BatchSplitting {
  /**
   * The split handle of a run whose layout (decideSplit, decided before it trains) is two parts.
   * @param network the run's network and loss, as the peer must rebuild them
   */
  forRun(tf: TF, decision: SplitDecision, network: PeerNetwork): RunSplit;
}

export interface BatchSplitterOptions {
  /** The backend this worker trains on (tf.getBackend()). */
  backend: string;
  /** The wasm kernel set this worker registered (its accelerators); the peer registers the same. */
  kernels: WasmKernelSet;
  /** Cores this worker may use right now (the engine pool lowers it to 1 while other runs train). */
  coresAllowed: () => number;
  /** Receives one line when the peer cannot start or fails. */
  log?: (message: string) => void;
  /** Starts a peer (tests may substitute one); default a GradientPeer on the wasm backend. */
  startPeer?: () => GradientPeer;
}

/** Splitting without a second core: both parts on this thread (a run trained outside a worker). */
export const ONE_CORE_SPLITTING: BatchSplitting = {
  forRun(tf, decision, network) {
    let local: ShareNetwork | null = null;
    return {
      decision,
      peerNow: () => null,
      local: () => (local ??= buildShareNetwork(tf, network)),
      end: () => {
        local?.model.dispose();
        local = null;
      },
    };
  },
};

/**
 * Owns an engine worker's gradient peer (started when a two-part run is first granted two cores,
 * kept for later runs, never restarted once broken) and hands it to two-part runs at steps when the
 * pool allows this worker two cores and the peer has finished starting; at other steps the run
 * computes the second part itself, with the same numbers.
 */
export class BatchSplitter implements BatchSplitting {
  private peer: GradientPeer | null = null;

  constructor(private readonly options: BatchSplitterOptions) {}

  forRun(tf: TF, decision: SplitDecision, network: PeerNetwork): RunSplit {
    let prepared: GradientPeer | null = null;
    let local: ShareNetwork | null = null;
    return {
      decision,
      peerNow: () => {
        if (this.options.coresAllowed() < 2 || this.options.backend !== 'wasm') return null;
        const peer = this.ensurePeer();
        if (!peer.isReady) return null;
        if (prepared !== peer) {
          peer.prepare(network);
          prepared = peer;
        }
        return peer;
      },
      local: () => (local ??= buildShareNetwork(tf, network)),
      end: () => {
        if (prepared && !prepared.isBroken) prepared.release();
        prepared = null;
        local?.model.dispose();
        local = null;
      },
    };
  }

  /** Starts the peer now (instead of on the first run that can use it); resolves whether it is ready. */
  warmUp(): Promise<boolean> {
    return this.ensurePeer().ready;
  }

  /** Stops the peer thread, if any. */
  async dispose(): Promise<void> {
    const peer = this.peer;
    this.peer = null;
    await peer?.terminate();
  }

  private ensurePeer(): GradientPeer {
    this.peer ??= this.options.startPeer?.() ?? new GradientPeer('wasm', this.options.kernels, this.options.log);
    return this.peer;
  }
}
