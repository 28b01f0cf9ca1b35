/**
 * A loaded tfjs LayersModel as one flat list of layers in running order, nested models (the fused
 * classifier nests its backbone and its head, as Teachable Machine does) inlined: what each file-format
 * writer (ONNX here; TFLite can read the same) walks. Each step names its input and output tensors; a
 * name is unique in the whole graph. Reads the model's live weights; creates no tensors.
 */
import type * as tf from '@tensorflow/tfjs';

/** The parts of tfjs's symbolic graph the walk reads (public fields of `SymbolicTensor`, `Layer`, `Node`). */
interface GraphTensor {
  readonly sourceLayer: GraphLayer;
  readonly nodeIndex: number;
  readonly tensorIndex: number;
  readonly shape: readonly (number | null)[];
}
interface GraphNode {
  readonly inputTensors: readonly GraphTensor[];
  readonly outputTensors: readonly GraphTensor[];
}
interface GraphLayer {
  readonly name: string;
  readonly inboundNodes: readonly GraphNode[];
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): tf.Tensor[];
}
interface GraphContainer extends GraphLayer {
  readonly inputs: readonly GraphTensor[];
  readonly outputs: readonly GraphTensor[];
  readonly layers: readonly GraphLayer[];
}

/** One layer of the flat graph. */
export interface LayerStep {
  /** The layer's own name, prefixed by the names of the models it is nested in (`base/conv1`). */
  readonly name: string;
  /** The tfjs class name, e.g. `Conv2D`. */
  readonly className: string;
  /** The layer's config as tfjs serialises it (camelCase keys). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Input tensor names, in the layer's input order. */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly (readonly (number | null)[])[];
  /** The output tensor's name (the step's `name`). */
  readonly output: string;
  readonly outputShape: readonly (number | null)[];
  /** The layer's weights in tfjs's order (e.g. kernel then bias), float32, copied. */
  readonly weights: readonly { readonly values: Float32Array; readonly shape: readonly number[] }[];
}

/** A model's flat graph: its one input, its steps in running order, its one output. */
export interface LayerGraph {
  readonly input: { readonly name: string; readonly shape: readonly (number | null)[] };
  readonly steps: readonly LayerStep[];
  readonly output: { readonly name: string; readonly shape: readonly (number | null)[] };
}

const isContainer = (layer: GraphLayer): layer is GraphContainer =>
  Array.isArray((layer as Partial<GraphContainer>).layers) && Array.isArray((layer as Partial<GraphContainer>).outputs);

/** The name of the graph's input tensor. */
export const GRAPH_INPUT = 'input';

/**
 * Flattens `model` (one input, one output). Throws a readable error for a model with several inputs or
 * outputs or a layer with several outputs.
 */
export function layerGraph(model: tf.LayersModel): LayerGraph {
  const root = model as unknown as GraphContainer;
  if (root.inputs.length !== 1 || root.outputs.length !== 1) {
    throw new Error(`the model has ${root.inputs.length} inputs and ${root.outputs.length} outputs; only one of each can be converted`);
  }
  const steps: LayerStep[] = [];
  const used = new Set<string>([GRAPH_INPUT]);
  const unique = (name: string): string => {
    let candidate = name;
    for (let n = 1; used.has(candidate); n++) candidate = `${name}_${n}`;
    used.add(candidate);
    return candidate;
  };

  const emit = (container: GraphContainer, inputNames: readonly string[], prefix: string): string[] => {
    const names = new Map<GraphTensor, string>();
    container.inputs.forEach((t, i) => names.set(t, inputNames[i] as string));
    const visit = (tensor: GraphTensor): string => {
      const known = names.get(tensor);
      if (known !== undefined) return known;
      const layer = tensor.sourceLayer;
      const node = layer.inboundNodes[tensor.nodeIndex];
      if (!node) throw new Error(`layer "${prefix}${layer.name}" has no node ${tensor.nodeIndex}`);
      const inputs = node.inputTensors.map(visit);
      let outputs: string[];
      if (isContainer(layer)) {
        outputs = emit(layer, inputs, `${prefix}${layer.name}/`);
      } else {
        if (node.outputTensors.length !== 1) throw new Error(`layer "${prefix}${layer.name}" has ${node.outputTensors.length} outputs; only one can be converted`);
        const output = unique(`${prefix}${layer.name}`);
        steps.push({
          name: output,
          className: layer.getClassName(),
          config: layer.getConfig(),
          inputs,
          inputShapes: node.inputTensors.map((t) => t.shape),
          output,
          outputShape: (node.outputTensors[0] as GraphTensor).shape,
          weights: layer.getWeights().map((w) => ({ values: Float32Array.from(w.dataSync()), shape: [...w.shape] })),
        });
        outputs = [output];
      }
      node.outputTensors.forEach((t, i) => names.set(t, outputs[i] as string));
      const name = names.get(tensor);
      if (name === undefined) throw new Error(`layer "${prefix}${layer.name}" did not give output ${tensor.tensorIndex}`);
      return name;
    };
    return container.outputs.map(visit);
  };

  const [output = GRAPH_INPUT] = emit(root, [GRAPH_INPUT], '');
  return {
    input: { name: GRAPH_INPUT, shape: (root.inputs[0] as GraphTensor).shape },
    steps,
    output: { name: output, shape: (root.outputs[0] as GraphTensor).shape },
  };
}
