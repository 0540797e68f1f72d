/**
 * A minimal WebAssembly assembler for element-wise float32 SIMD loops over a memory imported from
 * elsewhere (the tfjs wasm backend's heap). Each function takes byte offsets of float32 arrays
 * (i32), a byte length (i32, a multiple of 16) and float32 scalars, and runs one `body` per group of
 * four lanes. Used by simd-optimizer-rules.ts; no dependency on tfjs.
 */

/** Bytes of WebAssembly code. */
export type Code = number[];

/** Unsigned LEB128. */
function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (s: string): Code => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const simd = (op: number): Code => [0xfd, ...uleb(op)];

/** Instructions on four float32 lanes (v128). */
export const op = {
  /** Pushes lanes [off, off + 16) of the array whose byte offset is i32 parameter `pointer`. */
  load: (pointer: number, offsetLocal: number): Code => [0x20, ...uleb(pointer), 0x20, ...uleb(offsetLocal), 0x6a, ...simd(0x00), 0, 0],
  /** Stores `value` at the same position of the array at i32 parameter `pointer`. */
  store: (pointer: number, offsetLocal: number, value: Code): Code => [0x20, ...uleb(pointer), 0x20, ...uleb(offsetLocal), 0x6a, ...value, ...simd(0x0b), 0, 0],
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number, value: Code): Code => [...value, 0x21, ...uleb(local)],
  /** Four copies of float32 parameter `scalar`. */
  splat: (scalar: number): Code => [0x20, ...uleb(scalar), ...simd(0x13)],
  sqrt: (a: Code): Code => [...a, ...simd(0xe3)],
  add: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe4)],
  sub: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe5)],
  mul: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe6)],
  div: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe7)],
};

/** One exported loop function. */
export interface LoopFunction {
  name: string;
  /** i32 parameters: byte offsets of float32 arrays (then the byte length is appended). */
  pointers: number;
  /** f32 parameters after the byte length. */
  scalars: number;
  /** v128 locals the body uses (numbered after the parameters and the offset local). */
  vectors: number;
  /**
   * The code run before the loop (e.g. splats into vector locals) and per group of four lanes.
   * Locals: parameters 0..pointers-1 (pointers), `pointers` (byte length), then the scalars, then
   * `offsetLocal` (the running byte offset), then the vectors from `firstVector`.
   */
  emit(layout: { offsetLocal: number; firstVector: number; scalar: (k: number) => number }): { setup: Code; body: Code };
}

/** A module importing `env.memory` and exporting each function. */
export function assembleModule(functions: readonly LoopFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec([...Array(f.pointers + 1).fill([I32]), ...Array(f.scalars).fill([F32])]), 0]);
  const bodies = functions.map((f) => {
    const bytes = f.pointers;
    const offsetLocal = f.pointers + 1 + f.scalars;
    const { setup, body } = f.emit({ offsetLocal, firstVector: offsetLocal + 1, scalar: (k) => f.pointers + 1 + k });
    const code: Code = [
      ...vec([[1, I32], [...uleb(f.vectors), V128]]),
      ...setup,
      // block: if bytes == 0 skip; loop: body; offset += 16; continue while offset < bytes.
      0x02, 0x40, 0x20, ...uleb(bytes), 0x45, 0x0d, 0,
      0x03, 0x40, ...body,
      0x20, ...uleb(offsetLocal), 0x41, 16, 0x6a, 0x22, ...uleb(offsetLocal), 0x20, ...uleb(bytes), 0x49, 0x0d, 0,
      0x0b, 0x0b, 0x0b,
    ];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}

/** The parts of the WebAssembly JS API used here (the engine compiles without DOM types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The tfjs wasm backend's heap as a WebAssembly.Memory (Emscripten's `Module.asm.memory`), if it exposes one. */
export function heapMemoryOf(backend: unknown): WasmMemory | undefined {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  return wasmApi && memory instanceof wasmApi.Memory ? memory : undefined;
}

/**
 * Compiles and instantiates `bytes` (from {@link assembleModule}) on `memory`, synchronously.
 * @returns the exported functions
 * @throws Error if WebAssembly (or SIMD) is unavailable or the module is invalid
 */
export function instantiateOn(bytes: Uint8Array, memory: WasmMemory): Record<string, unknown> {
  if (!wasmApi) throw new Error('WebAssembly is not available');
  return new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } }).exports;
}
