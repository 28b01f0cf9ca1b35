/**
 * Builds an ONNX model (opset 13) node by node and encodes it with `onnx-proto` (the protobufjs code
 * generated from ONNX's own `onnx.proto`): the encoding is the library's, not ours.
 */
import { onnx } from 'onnx-proto';

/** The ONNX operator set the writer targets. */
export const ONNX_OPSET = 13;
/** ONNX IR version 7 is the one that goes with opset 13 (ONNX 1.8). */
const IR_VERSION = 7;

const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

/** An attribute value: an integer, a float, a list of integers or a string. */
export type AttributeValue = number | readonly number[] | string | { readonly float: number };

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: [...(value as number[])] };
  if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: (value as { float: number }).float };
  return { name, type: AttributeType.INT, i: value as number };
}

const bytesOf = (array: Float32Array | BigInt64Array): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** A dimension: a fixed size, or a named free one (the batch). */
export type Dim = number | string;

function valueInfo(name: string, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

export class OnnxBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly scalars = new Map<number, string>();
  private count = 0;

  /** A float32 scalar constant, shared by every node that uses the same value. */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) {
      name = this.floats(`const_${String(value).replace(/[^0-9a-z]/gi, '_')}`, [value], []);
      this.scalars.set(value, name);
    }
    return name;
  }

  /** A graph-wide unique name starting with `base`. */
  fresh(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.count}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node; returns its (first) output name. */
  node(opType: string, inputs: readonly string[], output: string, attributes: Record<string, AttributeValue> = {}): string {
    this.names.add(output);
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [output],
      name: `${output}/${opType}`,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** Adds a float32 initializer (a weight or a constant) named from `base`; returns its name. */
  floats(base: string, values: Float32Array | readonly number[], dims: readonly number[]): string {
    const name = this.fresh(base);
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(', ')}]`);
    this.initializers.push({ name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytesOf(data) });
    return name;
  }

  /** Adds an int64 initializer (a shape, pads); returns its name. */
  int64s(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, rawData: bytesOf(BigInt64Array.from(values.map(BigInt))) });
    return name;
  }

  /** The encoded `.onnx` bytes of the graph from `input` to `output`. */
  encode(options: { name: string; docString: string; input: { name: string; dims: readonly Dim[] }; output: { name: string; dims: readonly Dim[] }; metadata: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'Fine-Tune Studio',
      docString: options.docString,
      metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: options.name,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(options.input.name, options.input.dims)],
        output: [valueInfo(options.output.name, options.output.dims)],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
