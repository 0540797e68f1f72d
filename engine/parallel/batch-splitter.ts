import type { Model } from '../model.js';
import { GradientPeer, type PeerNetwork } from './gradient-peer.js';
import { ShareBalancer } from './share-balancer.js';
import { decideSplit, type SplitDecision } from './split-policy.js';
import { SplitTuner } from './split-tuner.js';

/** One run's access to the second core. */
export interface RunSplit {
  /** Why the run splits (see decideSplit). */
  readonly decision: SplitDecision;
  /** Balances the two threads' shares of each batch over the run. */
  readonly balancer: ShareBalancer;
  /** Measures whether splitting pays (null when INITSCOPE_BATCH_SPLIT=1 forces it). */
  readonly tuner: SplitTuner | null;
  /**
   * The peer to split this step with, or null to train it on this thread alone: null while the pool
   * allows one core, while the peer starts, and when the tuner found one core faster. Call before every step.
   */
  peerNow(): GradientPeer | null;
  /** Reports how long a step took (ms) and whether it was split; diagnostics steps are not reported. */
  stepDone(split: boolean, ms: number): void;
  /** Frees the peer's copy of the network; call once when the run ends. */
  end(): void;
}

/** What trainRun asks of a splitter (see BatchSplitter). */
export interface BatchSplitting {
  /**
   * The run's split handle, or null when splitting does not pay for it (decideSplit).
   * @param network the run's network and loss, as the peer must rebuild them
   * @param batchSize samples per step
   */
  forRun(model: Model, network: PeerNetwork, batchSize: number): RunSplit | null;
}

export interface BatchSplitterOptions {
  /** The backend this worker trains on (tf.getBackend()). */
  backend: string;
  /** Cores this worker may use right now (the engine pool lowers it to 1 while other runs train). */
  coresAllowed: () => number;
  /** Receives one line when the peer cannot start or fails. */
  log?: (message: string) => void;
  /** Starts a peer (tests may substitute one); default a GradientPeer on the wasm backend. */
  startPeer?: () => GradientPeer;
}

/**
 * Owns an engine worker's gradient peer (started on the first run that can use it, kept for later
 * runs, never restarted once broken) and hands it to runs for which splitting pays, at steps when the
 * pool allows this worker two cores and the peer has finished starting.
 */
export class BatchSplitter implements BatchSplitting {
  private peer: GradientPeer | null = null;

  constructor(private readonly options: BatchSplitterOptions) {}

  forRun(model: Model, network: PeerNetwork, batchSize: number): RunSplit | null {
    const decision = decideSplit(model, batchSize, this.options.backend);
    if (!decision.split) return null;
    let prepared: GradientPeer | null = null;
    const tuner = decision.tune ? new SplitTuner() : null;
    return {
      decision,
      balancer: new ShareBalancer(),
      tuner,
      stepDone: (split, ms) => tuner?.record(split, ms),
      peerNow: () => {
        if (this.options.coresAllowed() < 2 || (tuner && !tuner.wantSplit())) return null;
        const peer = this.ensurePeer();
        if (!peer.isReady) return null;
        if (prepared !== peer) {
          peer.prepare(network);
          prepared = peer;
        }
        return peer;
      },
      end: () => {
        if (prepared && !prepared.isBroken) prepared.release();
        prepared = null;
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
    this.peer ??= this.options.startPeer?.() ?? new GradientPeer('wasm', this.options.log);
    return this.peer;
  }
}
