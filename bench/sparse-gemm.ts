/**
 * Zero-skipping vs dense GEMM on the MLP's first-layer products (X[128,784]·W[784,256] and
 * dW = Xᵀ·dZ[128,256]), per density of A: CPU time per call (process.cpuUsage, µs), interleaved
 * blocks, medians. Real MNIST batches and random A with a given fraction of nonzeros.
 * Run: node --import tsx bench/sparse-gemm.ts [blocks]
 */
import { loadMnistDigits } from '../engine/datasets/mnist.js';
import type { GemmOnHeap } from '../engine/kernels/gemm-simd.js';
import { instantiateOn, type WasmMemory as WasmMemoryLike } from '../engine/kernels/heap-module.js';

const blocks = Number(process.argv[2] ?? 15);
/** WebAssembly.Memory (the bench compiles without DOM types). */
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => WasmMemoryLike } }).WebAssembly.Memory;
const memory = new WasmMemory({ initial: 256 });
const dense = instantiateOn('gemm', memory) as Record<'gemm' | 'gemm_ta', GemmOnHeap>;
const sparse = instantiateOn('gemm-sparse', memory) as Record<'gemm_sparse' | 'gemm_ta_sparse', GemmOnHeap> & {
  countNonzero(a: number, len: number): number;
};
const finiteCheck = instantiateOn('all-finite', memory) as { allFinite(p: number, n: number): number };
const heap = new Float32Array(memory.buffer);
const [B, P, H] = [128, 784, 256];
const A_AT = 0,
  W_AT = B * P,
  DZ_AT = W_AT + P * H,
  C_AT = DZ_AT + B * H,
  S_AT = C_AT + P * H;
let seed = 7;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
for (let i = 0; i < P * H + B * H; i++) heap[W_AT + i] = rand() * 2 - 1;

function mnistBatch(): Float32Array {
  const d = loadMnistDigits();
  const x = new Float32Array(B * P);
  for (let r = 0; r < B; r++) {
    const cls = r % 10;
    d.copyDigit(cls, Math.floor(r / 10) % (d.counts[cls] as number), x, r * P);
  }
  return x;
}
const randomBatch = (density: number): Float32Array => Float32Array.from({ length: B * P }, () => (rand() < density ? rand() : 0));

/** CPU µs per call of f, over `reps` calls. */
function cpu(f: () => void, reps: number): number {
  const t = process.cpuUsage();
  for (let r = 0; r < reps; r++) f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / reps;
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;

const cases: [string, Float32Array][] = [
  ['MNIST', mnistBatch()],
  ...[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1].map((d) => [`random d=${d}`, randomBatch(d)] as [string, Float32Array]),
];
for (const [name, x] of cases) {
  heap.set(x, A_AT);
  const nz = sparse.countNonzero(A_AT * 4, B * P) / (B * P);
  const runs = {
    fwdDense: () => dense.gemm(A_AT * 4, W_AT * 4, C_AT * 4, B, P, H, 0),
    fwdSparse: () => sparse.gemm_sparse(A_AT * 4, W_AT * 4, C_AT * 4, B, P, H, S_AT * 4),
    dwDense: () => dense.gemm_ta(A_AT * 4, DZ_AT * 4, C_AT * 4, P, B, H, 0),
    dwSparse: () => sparse.gemm_ta_sparse(A_AT * 4, DZ_AT * 4, C_AT * 4, P, B, H, S_AT * 4),
    checks: () => {
      sparse.countNonzero(A_AT * 4, B * P);
      finiteCheck.allFinite(W_AT * 4, P * H);
    },
  };
  const t: Record<string, number[]> = {};
  for (let b = 0; b < blocks; b++) for (const [k, f] of Object.entries(runs)) (t[k] ??= []).push(cpu(f, 10));
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  console.log(
    `${name.padEnd(14)} nonzero ${(nz * 100).toFixed(1)} %  X·W dense ${m.fwdDense!.toFixed(0)} µs sparse ${m.fwdSparse!.toFixed(0)} µs (${(m.fwdDense! / m.fwdSparse!).toFixed(2)}×)` +
      `  Xᵀ·dZ dense ${m.dwDense!.toFixed(0)} µs sparse ${m.dwSparse!.toFixed(0)} µs (${(m.dwDense! / m.dwSparse!).toFixed(2)}×)  density+finite passes ${m.checks!.toFixed(0)} µs`,
  );
}

// The later layers' products (A = a relu output, about half zeros): [128,256]·[256,128] and [128,128]·[128,10].
for (const [m, k, n] of [
  [128, 256, 128],
  [128, 128, 10],
] as const)
  for (const density of [0.3, 0.5, 0.7]) {
    for (let i = 0; i < m * k; i++) heap[A_AT + i] = rand() < density ? rand() : 0;
    const t: Record<string, number[]> = {};
    const runs = {
      dense: () => dense.gemm(A_AT * 4, W_AT * 4, C_AT * 4, m, k, n, 0),
      sparse: () => sparse.gemm_sparse(A_AT * 4, W_AT * 4, C_AT * 4, m, k, n, S_AT * 4),
    };
    for (let b = 0; b < blocks; b++) for (const [key, f] of Object.entries(runs)) (t[key] ??= []).push(cpu(f, 20));
    const d = median(t.dense!);
    const s = median(t.sparse!);
    console.log(`[${m},${k}]·[${k},${n}] nonzero ${density * 100} %  dense ${d.toFixed(0)} µs sparse ${s.toFixed(0)} µs (${(d / s).toFixed(2)}×)`);
  }
