/**
 * Seeded pseudo-random numbers for everything the engine draws: datasets, initial weights, the
 * train/validation split, per-epoch shuffling and dropout seeds.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018; 128-bit state, period 2^128 − 1, 32-bit output),
 * with its state filled from the seed by splitmix32. It is pure JavaScript on 32-bit integers
 * (`Math.imul`), so the same seed gives the same sequence on every platform and backend.
 */

/** splitmix32 step: a bijective 32-bit mixer; used to expand seeds and to derive sub-seeds. */
function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return { state: next, value: z >>> 0 };
}

/** FNV-1a hash of a string to an unsigned 32-bit integer (for string salts in {@link deriveSeed}). */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Derives an independent-looking unsigned 32-bit seed from a base seed and salts (numbers or labels),
 * e.g. `deriveSeed(runSeed, 'split')` or `deriveSeed(runSeed, 'dropout', step)`. Pure and stable.
 */
export function deriveSeed(seed: number, ...salts: ReadonlyArray<number | string>): number {
  let state = seed >>> 0;
  let out = splitmix32(state);
  state = out.state;
  let h = out.value;
  for (const salt of salts) {
    const s = typeof salt === 'number' ? salt >>> 0 : hashString(salt);
    out = splitmix32((state ^ s) >>> 0);
    state = out.state;
    h = (h ^ out.value) >>> 0;
    h = splitmix32(h).value;
  }
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;

/** A seeded random stream. Not cryptographic. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Second value of the last Box–Muller pair, or null. */
  private spare: number | null = null;

  /** @param seed any number; only its low 32 bits (as unsigned) are used. */
  constructor(seed: number) {
    let state = seed >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = splitmix32(state);
      state = r.state;
      words.push(r.value | 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** Next raw output: an unsigned 32-bit integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const mul5 = Math.imul(s1, 5);
    const rot = (mul5 << 7) | (mul5 >>> 25);
    const result = Math.imul(rot, 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform float in [0, 1) with 32-bit resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform float in [min, max). */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2^32 (bias below 2^-32·n, negligible here). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * Gaussian sample with the given mean and standard deviation, by the Box–Muller transform:
   * for u1 ∈ (0, 1], u2 ∈ [0, 1): r = √(−2 ln u1), z0 = r·cos(2πu2), z1 = r·sin(2πu2) are two
   * independent N(0, 1) draws; z1 is kept for the next call.
   */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    const u1 = (this.nextUint32() + 1) / TWO_POW_32; // (0, 1]
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A new array [0, 1, …, n−1] in random order. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}

/** Creates a seeded random stream (see {@link Random}). */
export function createRandom(seed: number): Random {
  return new Random(seed);
}
