/**
 * A minimal WebAssembly assembler for float32 SIMD code over a memory imported from elsewhere (the
 * tfjs wasm backend's heap); no dependency on tfjs.
 * - {@link assembleModule}: element-wise loops (each function takes byte offsets of float32 arrays,
 *   a byte length that is a multiple of 16 and float32 scalars, and runs one `body` per group of
 *   four lanes). Used by optimizer-simd.ts.
 * - {@link assembleFunctions} with the instruction helpers {@link op}, {@link i32}, {@link f32} and
 *   the structured loops {@link whileLoop} / {@link doWhile}: functions with arbitrary i32 parameters
 *   and locals (nested loops, scalar tails). Used by gemm-simd.ts.
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

/** Signed LEB128 (for i32.const). */
function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (s: string): Code => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];

/** WebAssembly value types (parameter and local declarations). */
export const valueType = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;
/** One of {@link valueType}. */
export type ValueType = (typeof valueType)[keyof typeof valueType];
const I32 = valueType.i32;
const F32 = valueType.f32;
const V128 = valueType.v128;
const simd = (op: number): Code => [0xfd, ...uleb(op)];
/** A memory immediate: log2 of the alignment hint, then a constant byte offset added to the address. */
const memarg = (alignLog2: number, offset: number): Code => [alignLog2, ...uleb(offset)];

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
  /** Four lanes from byte address `address` + `offset` (no alignment needed). */
  loadAt: (address: Code, offset = 0): Code => [...address, ...simd(0x00), ...memarg(0, offset)],
  /** Stores four lanes at byte address `address` + `offset`. */
  storeAt: (address: Code, value: Code, offset = 0): Code => [...address, ...value, ...simd(0x0b), ...memarg(0, offset)],
  /** Four copies of the float32 at byte address `address` + `offset` (v128.load32_splat). */
  loadSplat: (address: Code, offset = 0): Code => [...address, ...simd(0x09), ...memarg(2, offset)],
  /** Four zero lanes. */
  zero: (): Code => [...simd(0x0c), ...Array<number>(16).fill(0)],
};

/** Local variables of any type. */
export const local = {
  get: (index: number): Code => [0x20, ...uleb(index)],
  set: (index: number, value: Code): Code => [...value, 0x21, ...uleb(index)],
  /** Sets the local and leaves the value on the stack. */
  tee: (index: number, value: Code): Code => [...value, 0x22, ...uleb(index)],
};

/** Scalar i32 instructions (byte offsets, counters); comparisons are signed and push 0 or 1. */
export const i32 = {
  const: (n: number): Code => [0x41, ...sleb(n | 0)],
  add: (a: Code, b: Code): Code => [...a, ...b, 0x6a],
  sub: (a: Code, b: Code): Code => [...a, ...b, 0x6b],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x6c],
  lt: (a: Code, b: Code): Code => [...a, ...b, 0x48],
  le: (a: Code, b: Code): Code => [...a, ...b, 0x4c],
  /** local += n (n an i32 value). */
  increment: (index: number, n: Code): Code => [0x20, ...uleb(index), ...n, 0x6a, 0x21, ...uleb(index)],
};

/** Scalar f32 instructions. */
export const f32 = {
  zero: (): Code => [0x43, 0, 0, 0, 0],
  load: (address: Code, offset = 0): Code => [...address, 0x2a, ...memarg(2, offset)],
  store: (address: Code, value: Code, offset = 0): Code => [...address, ...value, 0x38, ...memarg(2, offset)],
  add: (a: Code, b: Code): Code => [...a, ...b, 0x92],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x94],
};

/** `while (condition) body`: the condition (an i32) is tested before every pass. */
export function whileLoop(condition: Code, body: Code): Code {
  // block { loop { if !condition break; body; continue } }
  return [0x02, 0x40, 0x03, 0x40, ...condition, 0x45, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
}

/** `do body while (condition)`: at least one pass; the condition (an i32) is tested after each. */
export function doWhile(body: Code, condition: Code): Code {
  return [0x03, 0x40, ...body, ...condition, 0x0d, 0, 0x0b];
}

/** One exported function with explicit parameters and locals (numbered after the parameters). */
export interface WasmFunction {
  name: string;
  params: readonly ValueType[];
  locals: readonly ValueType[];
  /** The instructions; the function returns nothing. */
  body: Code;
}

/** A module importing `env.memory` and exporting each function (see {@link WasmFunction}). */
export function assembleFunctions(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
  const bodies = functions.map((f) => {
    // Locals are declared as runs of one type.
    const runs: Code[] = [];
    for (let i = 0; i < f.locals.length; ) {
      let j = i;
      while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
      runs.push([...uleb(j - i), f.locals[i] as number]);
      i = j;
    }
    const code: Code = [...vec(runs), ...f.body, 0x0b];
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

/** A module importing `env.memory` and exporting each element-wise loop function. */
export function assembleModule(functions: readonly LoopFunction[]): Uint8Array {
  return assembleFunctions(
    functions.map((f) => {
      const bytes = f.pointers;
      const offsetLocal = f.pointers + 1 + f.scalars;
      const { setup, body } = f.emit({ offsetLocal, firstVector: offsetLocal + 1, scalar: (k) => f.pointers + 1 + k });
      return {
        name: f.name,
        params: [...Array<ValueType>(f.pointers + 1).fill(I32), ...Array<ValueType>(f.scalars).fill(F32)],
        locals: [I32, ...Array<ValueType>(f.vectors).fill(V128)],
        body: [
          ...setup,
          // block: if bytes == 0 skip; loop: body; offset += 16; continue while offset < bytes.
          0x02, 0x40, 0x20, ...uleb(bytes), 0x45, 0x0d, 0,
          0x03, 0x40, ...body,
          0x20, ...uleb(offsetLocal), 0x41, 16, 0x6a, 0x22, ...uleb(offsetLocal), 0x20, ...uleb(bytes), 0x49, 0x0d, 0,
          0x0b, 0x0b,
        ],
      };
    }),
  );
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

/**
 * More instructions, for the reduction and pooling kernels (reduce-simd.ts, pool-simd.ts): lane
 * comparisons and selects, i32x4 lanes (addresses), float64 lanes (f64x2) and float64 / unsigned
 * scalars. Each helper pushes its operands' code first, then the instruction.
 */
export const more = {
  /** Four float32 copies of the constant `value` (f32.const, f32x4.splat). */
  f32x4Splat: (value: number): Code => [...f32Const(value), ...simd(0x13)],
  /** Lane-wise a > b as all-ones / all-zero lane masks (f32x4.gt). */
  f32x4Gt: (a: Code, b: Code): Code => [...a, ...b, ...simd(0x44)],
  /** Lanes of `ifSet` where `mask` bits are 1, else of `ifClear` (v128.bitselect). */
  bitselect: (ifSet: Code, ifClear: Code, mask: Code): Code => [...ifSet, ...ifClear, ...mask, ...simd(0x52)],
  /** Four copies of an i32 value (i32x4.splat). */
  i32x4Splat: (value: Code): Code => [...value, ...simd(0x11)],
  /** Lane-wise i32 addition (i32x4.add). */
  i32x4Add: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xae)],
  /** The constant vector of four i32 lanes (v128.const). */
  i32x4Const: (lanes: readonly [number, number, number, number]): Code => [...simd(0x0c), ...lanes.flatMap((n) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff])],
  /** i32 lane `lane` (0–3) of a vector (i32x4.extract_lane). */
  i32x4Lane: (v: Code, lane: number): Code => [...v, ...simd(0x1b), lane],
  /** Two float32 at byte address `address` + `offset` in the low lanes, zeros above (v128.load64_zero). */
  load64Zero: (address: Code, offset = 0): Code => [...address, ...simd(0x5d), ...memarg(0, offset)],
  /** The two low float32 lanes widened to float64 lanes (f64x2.promote_low_f32x4). */
  f64x2PromoteLow: (v: Code): Code => [...v, ...simd(0x5f)],
  /** Lane-wise float64 addition (f64x2.add). */
  f64x2Add: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf0)],
  /** The float32 constant `value`. */
  f32Const: (value: number): Code => f32Const(value),
  /** a > b for float32 scalars (0 or 1; false when either is NaN). */
  f32Gt: (a: Code, b: Code): Code => [...a, ...b, 0x5e],
  /** `ifTrue` when `condition` (an i32) is non-zero, else `ifFalse`; both of one type (select). */
  select: (ifTrue: Code, ifFalse: Code, condition: Code): Code => [...ifTrue, ...ifFalse, ...condition, 0x1b],
  /** The larger of two signed i32 values. */
  i32Max: (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, 0x4a, 0x1b],
  /** The smaller of two signed i32 values. */
  i32Min: (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, 0x48, 0x1b],
  /** a < b as unsigned i32 (byte addresses above 2 GiB compare correctly). */
  i32LtU: (a: Code, b: Code): Code => [...a, ...b, 0x49],
  /** a == b for i32 values (0 or 1). */
  i32Eq: (a: Code, b: Code): Code => [...a, ...b, 0x46],
  /** a >= b as unsigned i32 (a negative a counts as huge: one test for 0 ≤ a < b fails). */
  i32GeU: (a: Code, b: Code): Code => [...a, ...b, 0x4f],
  /** `if (condition) thenCode else elseCode`, no result value. */
  ifElse: (condition: Code, thenCode: Code, elseCode: Code): Code => [...condition, 0x04, 0x40, ...thenCode, 0x05, ...elseCode, 0x0b],
  /** Bitwise and of two i32 values. */
  i32And: (a: Code, b: Code): Code => [...a, ...b, 0x71],
  /** The float64 at byte address `address` + `offset`. */
  f64Load: (address: Code, offset = 0): Code => [...address, 0x2b, ...memarg(3, offset)],
  /** Stores a float64 at byte address `address` + `offset`. */
  f64Store: (address: Code, value: Code, offset = 0): Code => [...address, ...value, 0x39, ...memarg(3, offset)],
  /** a + b for float64 scalars. */
  f64Add: (a: Code, b: Code): Code => [...a, ...b, 0xa0],
  /** float32 → float64 (exact). */
  f64PromoteF32: (a: Code): Code => [...a, 0xbb],
  /** float64 → float32, rounded to nearest even. */
  f32DemoteF64: (a: Code): Code => [...a, 0xb6],
};

/** f32.const with the value's IEEE-754 single bits, little-endian. */
function f32Const(value: number): Code {
  const bytes = new Uint8Array(new Float32Array([value]).buffer);
  return [0x43, ...bytes];
}

/** Hands out local indices after a function's parameters, remembering their types (for {@link WasmFunction.locals}). */
export class LocalAllocator {
  readonly types: ValueType[] = [];
  constructor(private readonly paramCount: number) {}
  /** A new local of `type`; returns its index. */
  add(type: ValueType): number {
    this.types.push(type);
    return this.paramCount + this.types.length - 1;
  }
}

/**
 * Assembles a module on first use and instantiates it once per heap: returns, for a heap, its
 * exports (cached), or null (also cached) where WebAssembly SIMD or the module is unavailable.
 * @param assemble builds the module's bytes (called at most once per heap)
 */
export function modulePerHeap(assemble: () => Uint8Array): (memory: WasmMemory) => Record<string, unknown> | null {
  const compiled = new WeakMap<WasmMemory, Record<string, unknown> | null>();
  return (memory) => {
    let exports = compiled.get(memory);
    if (exports === undefined) {
      try {
        exports = instantiateOn(assemble(), memory);
      } catch {
        exports = null;
      }
      compiled.set(memory, exports);
    }
    return exports;
  };
}

/**
 * The exported function `name` of a module instantiated on a tfjs wasm backend's heap (see
 * modulePerHeap), or null when the backend exposes no WebAssembly.Memory or the module cannot be
 * instantiated (callers then fall back to their JavaScript pass or the stock kernel).
 */
export function functionOnHeap<F>(assemble: () => Uint8Array, name: string): (backend: unknown) => F | null {
  const onHeap = modulePerHeap(assemble);
  return (backend) => {
    const memory = heapMemoryOf(backend);
    return memory ? ((onHeap(memory)?.[name] as F | undefined) ?? null) : null;
  };
}
