import { describe, expect, it } from 'vitest';
import { ShareBalancer } from '../../../../engine/parallel/share-balancer.js';

/**
 * Simulates split steps of `n` samples where this thread needs `mainPerSample` ms per sample and the
 * peer `peerPerSample` ms plus `messaging` ms around its work; returns the last step's two finish times.
 */
function simulate(balancer: ShareBalancer, steps: number, n: number, mainPerSample: number, peerPerSample: number, messaging: number) {
  let last = { main: 0, peer: 0 };
  for (let i = 0; i < steps; i++) {
    const a = balancer.mainShare(n);
    const b = n - a;
    const main = a * mainPerSample;
    const busy = b * peerPerSample;
    balancer.record(a, main, b, busy, busy + messaging);
    last = { main, peer: busy + messaging };
  }
  return last;
}

describe('ShareBalancer', () => {
  it('starts at half and stays there for two equal cores with free messaging', () => {
    const balancer = new ShareBalancer();
    expect(balancer.mainShare(128)).toBe(64);
    simulate(balancer, 30, 128, 0.1, 0.1, 0);
    expect(balancer.mainShare(128)).toBe(64);
  });

  it('gives this thread more samples when the peer is slower or pays for messaging, until both finish together', () => {
    const balancer = new ShareBalancer();
    // The peer is 1.5× slower per sample and its answer takes 1 ms more.
    const { main, peer } = simulate(balancer, 60, 128, 0.1, 0.15, 1);
    // Equal finish: 12.8·f = 19.2·(1 − f) + 1  →  f = 20.2 / 32 ≈ 0.631.
    expect(balancer.mainFraction).toBeCloseTo(0.631, 2);
    expect(Math.abs(main - peer)).toBeLessThan(0.2);
  });

  it('never gives either side fewer than a quarter, nor less than one sample', () => {
    const balancer = new ShareBalancer();
    simulate(balancer, 60, 128, 0.1, 10, 0);
    expect(balancer.mainFraction).toBe(ShareBalancer.MAX_FRACTION);
    expect(balancer.mainShare(2)).toBe(1);
    simulate(balancer, 60, 128, 10, 0.1, 0);
    expect(balancer.mainFraction).toBe(ShareBalancer.MIN_FRACTION);
  });
});
