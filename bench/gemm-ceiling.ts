/**
 * How fast the dense product can be in this engine against PyTorch's BLAS, one thread each, on the
 * MLP step's four large products (784-256-128-10, batch 128): X·W₁, dW₁ = Xᵀ·dZ₁ (stored [k, m] operand),
 * the layer-2 forward, and a [128,256]·[256,784] product. Median CPU µs per call (15 blocks of 20 calls)
 * and GFLOP/s (2·m·k·n flops), for the wasm kernel (gemm.wat, 128-bit SIMD), the native addon
 * (native/gemm.c, same loops and bits, the machine's widest vectors; engine/kernels/native-gemm.ts) and
 * PyTorch. Random dense operands, so the zero-skipping GEMM never applies. This bounds the step loop
 * on random data: about 80 % of its flops are in these products.
 * Run: node --import tsx bench/gemm-ceiling.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GemmOnHeap } from '../engine/kernels/gemm-simd.js';
import { instantiateOn, type WasmMemory as WasmMemoryLike } from '../engine/kernels/heap-module.js';
import { nativeGemmOnMemory, nativeGemmStatus } from '../engine/kernels/native-gemm.js';
import { torchPython } from './pytorch.js';

const SHAPES: readonly (readonly [number, number, number, 'gemm' | 'gemm_ta'])[] = [
  [128, 784, 256, 'gemm'],
  [784, 128, 256, 'gemm_ta'],
  [128, 256, 128, 'gemm'],
  [128, 256, 784, 'gemm'],
];
/** WebAssembly.Memory (the bench compiles without DOM types). */
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => WasmMemoryLike } }).WebAssembly.Memory;
const memory = new WasmMemory({ initial: 256 }) as WasmMemoryLike & { buffer: ArrayBuffer };
const dense = instantiateOn('gemm', memory) as Record<'gemm' | 'gemm_ta', GemmOnHeap>;
const heap = new Float32Array(memory.buffer);
let seed = 11;
for (let i = 0; i < 3 * 784 * 256; i++) {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  heap[i] = seed / 2 ** 31 - 1;
}

/** Median CPU seconds per call of f (15 blocks of 20 calls, after 20 warm-up calls). */
function cpuPerCall(f: () => void): number {
  for (let i = 0; i < 20; i++) f();
  const blocks: number[] = [];
  for (let b = 0; b < 15; b++) {
    const t = process.cpuUsage();
    for (let i = 0; i < 20; i++) f();
    const d = process.cpuUsage(t);
    blocks.push((d.user + d.system) / 1e6 / 20);
  }
  return blocks.sort((x, y) => x - y)[7] as number;
}

const [A, B, C] = [0, 784 * 256 * 4, 2 * 784 * 256 * 4];
const ours = SHAPES.map(([m, k, n, variant]) => cpuPerCall(() => dense[variant](A, B, C, m, k, n, 0)));
const native = SHAPES.map(([m, k, n, variant]) => {
  const gemm = nativeGemmOnMemory(memory, variant);
  return gemm ? cpuPerCall(() => gemm(A, B, C, m, k, n, 0)) : NaN;
});
const python = torchPython();
const torch = python
  ? (
      JSON.parse(
        spawnSync(python, [fileURLToPath(new URL('./torch_gemm.py', import.meta.url)), JSON.stringify(SHAPES.map(([m, k, n]) => [m, k, n]))], {
          encoding: 'utf8',
        }).stdout,
      ) as { shapes: number[][] }
    ).shapes.map((s) => s[3] as number)
  : SHAPES.map(() => NaN);
const gflops = (m: number, k: number, n: number, s: number) => ((2 * m * k * n) / s / 1e9).toFixed(1);
const status = nativeGemmStatus();
if (!status.available) console.log(`native GEMM: ${status.reason}`);
SHAPES.forEach(([m, k, n, variant], i) => {
  const [o, x, t] = [ours[i] as number, native[i] as number, torch[i] as number];
  console.log(
    `${variant.padEnd(7)} [${m},${k}]·[${k},${n}]: wasm ${(o * 1e6).toFixed(0)} µs (${gflops(m, k, n, o)} GFLOP/s, ${(t / o).toFixed(2)}× PyTorch), native ${(x * 1e6).toFixed(0)} µs (${gflops(m, k, n, x)} GFLOP/s, ${(t / x).toFixed(2)}×), PyTorch ${(t * 1e6).toFixed(0)} µs (${gflops(m, k, n, t)} GFLOP/s)`,
  );
});
