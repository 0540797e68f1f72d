import { ProtoWriter, float32LittleEndian, int64LittleEndian } from './protobuf-writer.js';

/** An attribute of an ONNX node (the subset InitScope writes). */
export type OnnxAttribute =
  { name: string; type: 'float'; value: number } | { name: string; type: 'int'; value: number } | { name: string; type: 'ints'; value: number[] };

/** One operator application: `outputs = opType(inputs)`. */
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

/**
 * A constant tensor, row-major: FLOAT for a Float32Array (weights, biases, scalars), INT64 for a
 * BigInt64Array (e.g. the target shape of a Reshape).
 */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  values: Float32Array | BigInt64Array;
}

/** A graph input or output: a FLOAT tensor whose dims are sizes or symbolic names ('batch'). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
}

/** The graph of a model (topologically ordered nodes). */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  docString?: string;
}

/** Model-level facts. */
export interface OnnxModelInfo {
  /** Default-domain opset version, e.g. 13. */
  opset: number;
  /** ONNX IR version (7 goes with opset 13). */
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
}

// Field numbers of onnx.proto (ONNX IR), https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opsetImport: 8 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, ints: 8, type: 20 } as const;
const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
const DATA_TYPE_FLOAT = 1;
const DATA_TYPE_INT64 = 7;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE_PROTO = { tensorType: 1 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE = { dim: 1 } as const;
const DIM = { value: 1, param: 2 } as const;

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(ATTRIBUTE.name, a.name);
  if (a.type === 'float') w.float(ATTRIBUTE.f, a.value);
  else if (a.type === 'int') w.int(ATTRIBUTE.i, a.value);
  else w.packedInts(ATTRIBUTE.ints, a.value);
  w.int(ATTRIBUTE.type, ATTRIBUTE_TYPE[a.type]);
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(NODE.input, i);
  for (const o of n.outputs) w.string(NODE.output, o);
  w.string(NODE.name, n.name);
  w.string(NODE.opType, n.opType);
  for (const a of n.attributes ?? []) w.message(NODE.attribute, (aw) => writeAttribute(aw, a));
}

function writeInitializer(w: ProtoWriter, t: OnnxInitializer): void {
  const expected = t.dims.reduce((a, b) => a * b, 1);
  if (t.values.length !== expected) throw new Error(`ONNX initializer ${t.name}: ${t.values.length} values for dims [${t.dims.join(', ')}]`);
  w.packedInts(TENSOR.dims, t.dims);
  const int64 = t.values instanceof BigInt64Array;
  w.int(TENSOR.dataType, int64 ? DATA_TYPE_INT64 : DATA_TYPE_FLOAT);
  w.string(TENSOR.name, t.name);
  w.bytes(TENSOR.rawData, t.values instanceof BigInt64Array ? int64LittleEndian(t.values) : float32LittleEndian(t.values));
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(VALUE_INFO.name, v.name);
  w.message(VALUE_INFO.type, (tw) =>
    tw.message(TYPE_PROTO.tensorType, (tt) => {
      tt.int(TENSOR_TYPE.elemType, DATA_TYPE_FLOAT);
      tt.message(TENSOR_TYPE.shape, (sw) => {
        for (const d of v.dims) sw.message(SHAPE.dim, (dw) => (typeof d === 'number' ? dw.int(DIM.value, d) : dw.string(DIM.param, d)));
      });
    }),
  );
}

/** Serialises a model to the bytes of an `.onnx` file (a ModelProto). */
export function encodeOnnxModel(graph: OnnxGraph, info: OnnxModelInfo): Uint8Array {
  const w = new ProtoWriter();
  w.int(MODEL.irVersion, info.irVersion);
  w.string(MODEL.producerName, info.producerName);
  w.string(MODEL.producerVersion, info.producerVersion);
  if (info.docString) w.string(MODEL.docString, info.docString);
  w.message(MODEL.graph, (g) => {
    for (const n of graph.nodes) g.message(GRAPH.node, (nw) => writeNode(nw, n));
    g.string(GRAPH.name, graph.name);
    for (const t of graph.initializers) g.message(GRAPH.initializer, (tw) => writeInitializer(tw, t));
    if (graph.docString) g.string(GRAPH.docString, graph.docString);
    for (const v of graph.inputs) g.message(GRAPH.input, (vw) => writeValueInfo(vw, v));
    for (const v of graph.outputs) g.message(GRAPH.output, (vw) => writeValueInfo(vw, v));
  });
  w.message(MODEL.opsetImport, (o) => {
    o.string(OPSET.domain, '');
    o.int(OPSET.version, info.opset);
  });
  return w.finish();
}
