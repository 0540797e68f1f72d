import type { OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxNode, OnnxValueInfo } from './onnx-model.js';

/** Accumulates the nodes and constants of an ONNX graph, naming every intermediate tensor uniquely. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<number, string>();

  /** A tensor name not used yet, based on `base` ('dense_0/Gemm' → 'dense_0/Gemm', then '…_1'). */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds `opType(inputs)` with one output; returns the output's name. */
  op(opType: string, inputs: string[], scope: string, attributes: OnnxAttribute[] = []): string {
    const output = this.fresh(`${scope}/${opType}`);
    this.nodes.push({ opType, name: output, inputs, outputs: [output], ...(attributes.length ? { attributes } : {}) });
    return output;
  }

  /** Adds a constant tensor (row-major values); returns its name. */
  constant(base: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, values });
    return name;
  }

  /** Adds a constant INT64 vector (e.g. a Reshape's target shape); returns its name. */
  int64Vector(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims: [values.length], values: BigInt64Array.from(values, (v) => BigInt(v)) });
    return name;
  }

  /** A scalar constant (rank 0), shared by every use of the same value. */
  scalar(value: number): string {
    const known = this.scalars.get(value);
    if (known) return known;
    const name = this.constant(`const/${value}`, [], Float32Array.of(value));
    this.scalars.set(value, name);
    return name;
  }

  /** Reserves a graph input or output name. */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  /** The finished graph. */
  build(name: string, inputs: OnnxValueInfo[], outputs: OnnxValueInfo[], docString?: string): OnnxGraph {
    return { name, nodes: this.nodes, initializers: this.initializers, inputs, outputs, ...(docString ? { docString } : {}) };
  }
}
