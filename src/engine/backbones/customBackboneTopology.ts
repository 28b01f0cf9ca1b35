/**
 * Reading a TensorFlow.js `model.json` as a graph, without loading weights or running anything: the nodes
 * of a GraphModel (`modelTopology.node`, with their ops) or the top-level layers of a LayersModel (with their
 * class names and inbound layers), the input shape, and from those the feature node to suggest, the
 * candidates to offer and the cut points two-stage training can use. Plain functions of parsed JSON: they run
 * in the page, a Worker or Node alike.
 */

import { isRecord } from '../../core/check';
import { CONTAINERS, declaredInputShape, inboundNames, layerName, layersOf, modelConfigOf as configOfTopology } from './kerasTopology';
import type { Json } from './kerasTopology';

/** One node (GraphModel) or top-level layer (LayersModel) of a model, in topological order. */
export interface TopologyNode {
  readonly name: string;
  /** The op (`Conv2D`, `Mean`, ...) of a graph node; the class name (`Conv2D`, `GlobalAveragePooling2D`, ...) of a layer. */
  readonly op: string;
  /** Names of the nodes this one reads data from (weights and control inputs left out). */
  readonly inputs: readonly string[];
  /** Whether it holds float weights of its own (a kernel, a bias, a nested model...). */
  readonly hasWeights: boolean;
}

/** A model's graph as `model.json` describes it. */
export interface ModelTopology {
  readonly format: 'graph' | 'layers';
  /** Every node but weight constants, inputs first, each after its inputs. */
  readonly nodes: readonly TopologyNode[];
  /** The image input: `[batch, h, w, c]` with null for an open dimension, or null when it is not declared. */
  readonly inputShape: readonly (number | null)[] | null;
  /** Names of the data inputs (Placeholders, InputLayers). */
  readonly inputNames: readonly string[];
  /** The output the model gives when asked for nothing else. */
  readonly outputName: string;
}

/** Graph ops and layer classes that pool over the whole image. */
const GLOBAL_POOLS = new Set(['Mean', 'Max', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAvgPool2D', 'GlobalMaxPool2D']);
/** Pooling that may or may not cover the whole image (its window decides). */
const LOCAL_POOLS = new Set(['AvgPool', 'MaxPool', 'AveragePooling2D', 'MaxPooling2D']);
/** Ops and layers that only reshape: a flattened feature vector. */
const FLATTENS = new Set(['Reshape', 'Squeeze', 'Flatten']);
/** Ops and layers that pass their input through unchanged at inference. */
const PASS_THROUGH = new Set(['Identity', 'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Pad', 'ZeroPadding2D']);
/** Element-wise activations (graph ops and layer classes). */
const ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Swish', 'ReLU', 'ELU', 'LeakyReLU', 'PReLU', 'Activation']);
/** Residual merges: two branches added. */
const MERGES = new Set(['Add', 'AddV2', 'AddN']);
const DEPTHWISE = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'DepthwiseConv2D']);
/** Layer classes with weights of their own (besides nested models). */
const WEIGHTED_LAYERS = new Set([
  'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'Dense', 'BatchNormalization',
  'LayerNormalization', 'PReLU', 'Embedding',
]);

/** What a candidate feature node is, for the picker. */
export type CandidateKind = 'global-pool' | 'pool' | 'flatten' | 'activation' | 'merge' | 'output';

export interface FeatureCandidate {
  readonly name: string;
  readonly op: string;
  readonly kind: CandidateKind;
}

/** Strips a graph input reference to its node name: `^ctrl` (control inputs) give null, `name:1` gives `name`. */
function inputNodeName(ref: string): string | null {
  if (ref.startsWith('^')) return null;
  return ref.replace(/:\d+$/, '');
}

/** `[batch, h, w, c]` of a graph `TensorShapeProto` (`{ dim: [{ size: '-1' }, ...] }`), or null. */
function shapeOfProto(proto: unknown): (number | null)[] | null {
  if (!isRecord(proto) || proto.unknownRank === true || !Array.isArray(proto.dim)) return null;
  return proto.dim.map((d) => {
    const size = isRecord(d) ? Number(d.size ?? -1) : -1;
    return Number.isFinite(size) && size >= 0 ? size : null;
  });
}

/** Topological order (Kahn's algorithm), keeping the file's order among ready nodes; throws on a cycle. */
function sortTopologically(nodes: readonly TopologyNode[]): TopologyNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const pending = new Map(nodes.map((n) => [n.name, n.inputs.filter((i) => byName.has(i)).length]));
  const consumers = new Map<string, string[]>();
  for (const node of nodes) for (const input of node.inputs) if (byName.has(input)) consumers.set(input, [...(consumers.get(input) ?? []), node.name]);
  const ready = nodes.filter((n) => pending.get(n.name) === 0).map((n) => n.name);
  const order: TopologyNode[] = [];
  for (let i = 0; i < ready.length; i++) {
    const name = ready[i] as string;
    order.push(byName.get(name) as TopologyNode);
    for (const next of consumers.get(name) ?? []) {
      const left = (pending.get(next) ?? 0) - 1;
      pending.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length !== nodes.length) throw new Error('the model graph has a cycle (control flow is not supported)');
  return order;
}

/** A GraphModel's nodes from `modelTopology.node`, weight constants folded into `hasWeights`. */
export function graphTopology(modelJson: Json): ModelTopology {
  const topology = isRecord(modelJson.modelTopology) ? modelJson.modelTopology : {};
  const raw = Array.isArray(topology.node) ? topology.node.filter(isRecord) : [];
  if (raw.length === 0) throw new Error('model.json has no graph nodes (modelTopology.node)');
  const floatWeights = new Set<string>();
  for (const group of Array.isArray(modelJson.weightsManifest) ? modelJson.weightsManifest.filter(isRecord) : []) {
    for (const w of Array.isArray(group.weights) ? group.weights.filter(isRecord) : []) {
      const shape = Array.isArray(w.shape) ? w.shape : [];
      if ((w.dtype === 'float32' || w.dtype === undefined) && shape.length >= 1 && typeof w.name === 'string') floatWeights.add(w.name);
    }
  }
  const consts = new Set(raw.filter((n) => n.op === 'Const').map((n) => String(n.name)));
  const nodes: TopologyNode[] = raw
    .filter((n) => n.op !== 'Const' && n.op !== 'NoOp')
    .map((n) => {
      const refs = (Array.isArray(n.input) ? n.input : []).map((r) => inputNodeName(String(r))).filter((r): r is string => r !== null);
      return {
        name: String(n.name),
        op: String(n.op),
        inputs: refs.filter((r) => !consts.has(r)),
        hasWeights: refs.some((r) => floatWeights.has(r)),
      };
    });
  const placeholders = raw.filter((n) => n.op === 'Placeholder');
  const signature = isRecord(modelJson.signature) ? modelJson.signature : {};
  const sigInput = isRecord(signature.inputs) ? Object.values(signature.inputs).find(isRecord) : undefined;
  const attr = isRecord(placeholders[0]?.attr) ? placeholders[0].attr : {};
  const inputShape = shapeOfProto(isRecord(attr.shape) ? attr.shape.shape : undefined) ?? shapeOfProto(sigInput?.tensorShape);
  const sorted = sortTopologically(nodes);
  return { format: 'graph', nodes: sorted, inputShape, inputNames: placeholders.map((n) => String(n.name)), outputName: graphOutput(sorted, signature) };
}

/** The signature's first output, else the last node no other node reads. */
function graphOutput(nodes: readonly TopologyNode[], signature: Json): string {
  const outputs = isRecord(signature.outputs) ? Object.values(signature.outputs).filter(isRecord) : [];
  const named = outputs.map((o) => (typeof o.name === 'string' ? inputNodeName(o.name) : null)).find((n) => n && nodes.some((x) => x.name === n));
  if (named) return named;
  const read = new Set(nodes.flatMap((n) => n.inputs));
  const last = nodes.filter((n) => !read.has(n.name) && n.op !== 'Placeholder').at(-1);
  if (!last) throw new Error('the model graph has no output node');
  return last.name;
}

/** `model.json`'s model config. */
const modelConfigOf = (modelJson: Json): Json => configOfTopology(isRecord(modelJson.modelTopology) ? modelJson.modelTopology : {});

/** `[batch, ...]` a layer declares for its input (or, for a nested model, its first layer does). */
function declaredShape(layer: Json, depth = 0): (number | null)[] | null {
  const declared = declaredInputShape(layer);
  if (declared) return declared;
  if (depth < 8 && CONTAINERS.has(String(layer.class_name))) {
    const first = layersOf(layer)[0];
    return first ? declaredShape(first, depth + 1) : null;
  }
  return null;
}

/** A LayersModel's top-level layers (a Sequential as a chain after a synthetic input). */
export function layersTopology(modelJson: Json): ModelTopology {
  const config = modelConfigOf(modelJson);
  const className = String(config.class_name ?? '');
  const layers = layersOf(config);
  if (layers.length === 0) throw new Error('model.json has no layers (modelTopology)');
  const weighted = (layer: Json): boolean => WEIGHTED_LAYERS.has(String(layer.class_name)) || CONTAINERS.has(String(layer.class_name));
  let nodes: TopologyNode[];
  let inputNames: string[];
  if (className === 'Sequential') {
    // tfjs names a Sequential's input after its first layer; the name matters only inside this graph.
    const input = `${layerName(layers[0] as Json)}_input`;
    nodes = [{ name: input, op: 'InputLayer', inputs: [], hasWeights: false }];
    layers.forEach((layer, i) => {
      if (layer.class_name === 'InputLayer') return;
      const previous = nodes.at(-1)?.name ?? input;
      nodes.push({ name: layerName(layer), op: String(layer.class_name), inputs: i === 0 ? [input] : [previous], hasWeights: weighted(layer) });
    });
    inputNames = [input];
  } else {
    nodes = layers.map((layer) => ({ name: layerName(layer), op: String(layer.class_name), inputs: inboundNames(layer), hasWeights: weighted(layer) }));
    inputNames = nodes.filter((n) => n.op === 'InputLayer').map((n) => n.name);
  }
  const sorted = sortTopologically(nodes);
  const inner = isRecord(config.config) ? config.config : {};
  const declaredOutput = Array.isArray(inner.output_layers) && Array.isArray(inner.output_layers[0]) ? inner.output_layers[0][0] : undefined;
  const outputName = typeof declaredOutput === 'string' ? declaredOutput : (sorted.at(-1)?.name ?? '');
  const first = layers.find((l) => l.class_name === 'InputLayer') ?? layers[0];
  return { format: 'layers', nodes: sorted, inputShape: first ? declaredShape(first) : null, inputNames, outputName };
}

/**
 * What a node offers as a feature node: a global or local pooling, a flatten, an activation (or a fused
 * conv), a residual merge (two data inputs: a folded batch norm's `Add` of a constant is none), or nothing.
 */
function kindOf(node: TopologyNode): CandidateKind | null {
  const { op } = node;
  if (GLOBAL_POOLS.has(op)) return 'global-pool';
  if (LOCAL_POOLS.has(op)) return 'pool';
  if (FLATTENS.has(op)) return 'flatten';
  if (ACTIVATIONS.has(op) || op.startsWith('_Fused')) return 'activation';
  if (MERGES.has(op) && node.inputs.length >= 2) return 'merge';
  return null;
}

/**
 * The feature node to suggest, on the path back from the output along each node's first data input: the
 * global pooling nearest the output (a `Mean` or `GlobalAveragePooling2D`: MobileNet's `global_pool`, the
 * v1 LayersModel's `global_average_pooling2d_1` before its reshape and 1x1-conv classifier); else the flatten
 * (`Reshape`, `Squeeze`, `Flatten`) nearest the output with a weighted node (the classifier) after it, as
 * in VGG's `flatten` before its dense layers. Null: the model's output itself (a feature-vector model).
 */
export function suggestFeatureNode(topology: ModelTopology): string | null {
  const byName = new Map(topology.nodes.map((n) => [n.name, n]));
  const path: TopologyNode[] = [];
  for (let node = byName.get(topology.outputName); node && path.length < topology.nodes.length; node = byName.get(node.inputs[0] ?? '')) {
    path.push(node);
  }
  const pool = path.find((n) => GLOBAL_POOLS.has(n.op));
  if (pool) return pool.name;
  const classifier = path.findIndex((n) => n.hasWeights);
  const flatten = classifier === -1 ? undefined : path.slice(classifier + 1).find((n) => FLATTENS.has(n.op));
  return flatten?.name ?? null;
}

/**
 * Nodes worth offering as the feature node, in model order: every pooling and flatten, the last
 * `recentActivations` activations and residual merges (a spatial map is average-pooled), and the output.
 */
export function featureCandidates(topology: ModelTopology, recentActivations = 12): FeatureCandidate[] {
  const candidates = topology.nodes.flatMap((n) => {
    const kind = kindOf(n);
    return kind && n.name !== topology.outputName ? [{ name: n.name, op: n.op, kind }] : [];
  });
  const spatial = candidates.filter((c) => c.kind === 'activation' || c.kind === 'merge');
  const keep = new Set(spatial.slice(-recentActivations));
  const output = topology.nodes.find((n) => n.name === topology.outputName);
  return [
    ...candidates.filter((c) => (c.kind !== 'activation' && c.kind !== 'merge') || keep.has(c)),
    ...(output ? [{ name: output.name, op: output.op, kind: 'output' as const }] : []),
  ];
}

/** Names of every node `from` depends on (not `from` itself). */
function ancestorsOf(byName: ReadonlyMap<string, TopologyNode>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(byName.get(from)?.inputs ?? [])];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(byName.get(name)?.inputs ?? []));
  }
  return seen;
}

/**
 * Whether every path from an input to `end` passes through `cut`, and some weighted node lies between them
 * (a cut with nothing to train above it is useless).
 */
function cutsBelowWeights(topology: ModelTopology, byName: ReadonlyMap<string, TopologyNode>, cut: string, end: string): boolean {
  const inputs = new Set(topology.inputNames);
  const seen = new Set<string>([cut]);
  const stack = [end];
  let weighted = false;
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    if (inputs.has(name)) return false;
    const node = byName.get(name);
    if (!node) continue;
    if (node.hasWeights) weighted = true;
    stack.push(...node.inputs);
  }
  return weighted;
}

/** The most cut points offered (as for the built-in backbones). */
export const MAX_CUT_POINTS = 7;

/**
 * Cut points for two-stage training below the feature node `featureNode` (null: the output), nearest the
 * top first: `cutPoints[k - 1]` feeds the top k blocks. A block ends at a residual merge (ResNet,
 * MobileNetV2, EfficientNet) when the model has at least two such cuts; else at the input of each depthwise
 * convolution (MobileNet v1), else after each activation. Each cut is a node every path from the input
 * passes through, with weights above it. Empty when none is found.
 */
export function deriveCutPoints(topology: ModelTopology, featureNode: string | null): string[] {
  const end = featureNode ?? topology.outputName;
  const byName = new Map(topology.nodes.map((n) => [n.name, n]));
  const below = ancestorsOf(byName, end);
  const order = topology.nodes.filter((n) => below.has(n.name) && !topology.inputNames.includes(n.name)).reverse();
  const pick = (accept: (node: TopologyNode) => boolean): string[] => {
    const found: string[] = [];
    for (const node of order) {
      if (found.length >= MAX_CUT_POINTS) break;
      if (accept(node) && cutsBelowWeights(topology, byName, node.name, end)) found.push(node.name);
    }
    return found;
  };
  const merges = pick((n) => kindOf(n) === 'merge');
  if (merges.length >= 2) return merges;
  // The node whose output a depthwise convolution reads, looking through padding.
  const depthwiseInputs = new Set<string>();
  for (const node of topology.nodes) {
    if (!DEPTHWISE.has(node.op)) continue;
    let source = byName.get(node.inputs[0] ?? '');
    while (source && PASS_THROUGH.has(source.op)) source = byName.get(source.inputs[0] ?? '');
    if (source) depthwiseInputs.add(source.name);
  }
  const depthwise = pick((n) => depthwiseInputs.has(n.name));
  if (depthwise.length >= 2) return depthwise;
  return pick((n) => kindOf(n) === 'activation');
}
