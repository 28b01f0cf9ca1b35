/**
 * Stage 2: cutting a loaded backbone in two, so that its top blocks fine-tune on activations cached at the
 * cut while the frozen prefix is never run again. `cutLayersModel` and `cutGraphModel` work in the network's
 * own input range and output; `Backbone.split` (backbones.ts) adds pixel scaling and pooling. The helpers at
 * the end serve the training run (memory estimates, choosing the number of blocks, features from cached
 * activations).
 */
import * as tf from '@tensorflow/tfjs';
import { UserFacingError } from '../../core/errors';
import type { Backbone } from '../backbones/backbone';

type Layer = tf.layers.Layer;

/** A model cut at one layer or node, before pixel scaling and pooling. */
export interface ModelCut {
  readonly cutName: string;
  /** [h, w, c] of the output at the cut. */
  readonly activationShape: readonly number[];
  /**
   * One forward pass: x [n, S, S, 3] in the network's input range -> [activations [n, h, w, c], the feature
   * layer's or node's raw output]. Intermediates are disposed; the caller disposes both results.
   */
  forwardBoth(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor];
  /** activations [n, h, w, c] -> the feature layer's raw output; nothing disposed (call inside a tidy or gradient scope). */
  forwardTop(activations: tf.Tensor4D, training: boolean): tf.Tensor;
  readonly variables: readonly tf.Variable[];
  readonly frozenWeights: readonly tf.Tensor[];
  /** Freezes the top again (LayersModel) or puts its trained values back into the graph as plain tensors (GraphModel). */
  dispose(): void;
}

/** Every layer of `model`, the layers of nested models included (after the nested model itself). */
export function allLayers(model: tf.LayersModel): Layer[] {
  return model.layers.flatMap((layer) => (layer instanceof tf.LayersModel ? [layer, ...allLayers(layer)] : [layer]));
}

/** Marks every layer of `model` (nested ones too) not trainable: the state of a backbone at rest. */
export function freezeAll(model: tf.LayersModel): void {
  for (const layer of allLayers(model)) layer.trainable = false;
}

/** Whether the LayersModel `model` (or a model nested in it) has a layer `name`. */
export function hasLayer(model: tf.LayersModel, name: string): boolean {
  return findContainer(model, name) !== null;
}

/** The model, itself or nested, whose own layers include `name`; null when none does. */
function findContainer(model: tf.LayersModel, name: string): tf.LayersModel | null {
  if (model.layers.some((layer) => layer.name === name)) return model;
  for (const layer of model.layers) {
    const found = layer instanceof tf.LayersModel ? findContainer(layer, name) : null;
    if (found) return found;
  }
  return null;
}

/** The layers a layer's (first and, in these backbones, only) call reads from. */
const inputsOf = (layer: Layer): Layer[] => layer.inboundNodes[0]?.inboundLayers ?? [];

/** The layer's output in the model it was loaded in. */
const outputOf = (layer: Layer): tf.SymbolicTensor => {
  const out = layer.getOutputAt(0);
  return Array.isArray(out) ? (out[0] as tf.SymbolicTensor) : out;
};

/**
 * The layers strictly above `cut` up to and including `end`, in an order where every layer comes after its
 * inputs. Throws when some path from the input reaches `end` without passing through `cut` (for example a
 * residual connection that jumps over it) or when `cut` is not below `end`.
 */
function layersBetween(cut: Layer, end: Layer): Layer[] {
  const order: Layer[] = [];
  const seen = new Set<Layer>();
  const visit = (layer: Layer): void => {
    if (layer === cut || seen.has(layer)) return;
    seen.add(layer);
    const inputs = inputsOf(layer);
    if (inputs.length === 0) {
      throw new Error(`layer "${cut.name}" does not cut the model: "${end.name}" depends on "${layer.name}" without passing through it`);
    }
    inputs.forEach(visit);
    order.push(layer);
  };
  visit(end);
  if (order.length === 0) throw new Error(`nothing lies between "${cut.name}" and "${end.name}"`);
  return order;
}

/**
 * Cuts a LayersModel after the layer `cutName`. The top is the existing layers from there to `featureLayer`
 * (or, when that is undefined, to the output of the model that holds the cut, e.g. the nested MobileNetV2
 * of a Teachable Machine base), re-applied eagerly in topological order: they share their weights with
 * `model`, and multi-input layers (MobileNetV2's residual `Add`) get their inputs by layer. Marks those layers
 * trainable (the caller has frozen the rest with `freezeAll`). Batch normalisation in the top always runs in
 * inference mode, with the pretrained moving statistics (the Keras fine-tuning recipe: small batches of a
 * few classes would overwrite them); `training` reaches every other layer.
 */
export function cutLayersModel(model: tf.LayersModel, cutName: string, featureLayer: string | undefined): ModelCut {
  const container = findContainer(model, cutName);
  if (!container) throw new Error(`the model has no layer "${cutName}"`);
  const cut = container.getLayer(cutName);
  const end = featureLayer === undefined ? container.outputLayers[0] : container.getLayer(featureLayer);
  if (!end) throw new Error(`the model holding "${cutName}" has no output layer`);
  const top = layersBetween(cut, end);
  const cutShape = outputOf(cut).shape.slice(1);
  if (cutShape.length !== 3 || cutShape.some((d) => d === null)) {
    throw new Error(`layer "${cutName}" gives [${cutShape.join(', ')}], not a fixed [h, w, c]`);
  }
  // Shares the layers of `model`: never disposed (that would release the backbone's weights).
  const prefix = tf.model({ inputs: container.inputs, outputs: [outputOf(cut), outputOf(end)] });
  for (const layer of top) layer.trainable = true;
  const variables = top.flatMap((layer) => layer.trainableWeights).map((w) => asVariable(w.read()));
  const trained = new Set<tf.Tensor>(variables);
  const frozenWeights = [...new Set(allLayers(model).flatMap((l) => l.weights).map((w) => w.read()))].filter((t) => !trained.has(t));
  let disposed = false;
  return {
    cutName,
    activationShape: cutShape as number[],
    forwardBoth: (x) => prefix.predict(x) as [tf.Tensor4D, tf.Tensor],
    forwardTop(activations, training) {
      const values = new Map<Layer, tf.Tensor>([[cut, activations]]);
      for (const layer of top) {
        const inputs = inputsOf(layer).map((l) => values.get(l) as tf.Tensor);
        const kwargs = { training: training && layer.getClassName() !== 'BatchNormalization' };
        values.set(layer, layer.apply(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs, kwargs) as tf.Tensor);
      }
      return values.get(end) as tf.Tensor;
    },
    variables,
    frozenWeights,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const layer of top) layer.trainable = false;
    },
  };
}

function asVariable(t: tf.Tensor): tf.Variable {
  if (!(t instanceof tf.Variable)) throw new Error('internal: a layer weight is not a tf.Variable');
  return t;
}

/** What `cutGraphModel` needs of tfjs' graph executor (private in tfjs 4.22's types, present at run time). */
interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly GraphNode[];
}
interface GraphExecutorLike {
  readonly graph?: { readonly nodes: Readonly<Record<string, GraphNode>> };
  weightMap: Record<string, tf.Tensor[]>;
}

function executorOf(model: tf.GraphModel): GraphExecutorLike & { graph: { nodes: Readonly<Record<string, GraphNode>> } } {
  const executor = (model as unknown as { executor?: GraphExecutorLike }).executor;
  if (!executor?.graph?.nodes) throw new Error("this version of tfjs does not expose a GraphModel's graph; it cannot be split");
  return executor as GraphExecutorLike & { graph: { nodes: Readonly<Record<string, GraphNode>> } };
}

/** Whether the GraphModel has a node `name` (false when tfjs does not expose the graph). */
export function hasNode(model: tf.GraphModel, name: string): boolean {
  const nodes = (model as unknown as { executor?: GraphExecutorLike }).executor?.graph?.nodes;
  return nodes?.[name] !== undefined;
}

/**
 * The names of the weights (Const nodes) that `end` depends on above `cutNode`. Throws when a path from the
 * input (a Placeholder) reaches `end` without passing through `cutNode`.
 */
function weightsBetween(nodes: Readonly<Record<string, GraphNode>>, cutNode: string, end: string): string[] {
  const endNode = nodes[end];
  if (!endNode) throw new Error(`the graph has no node "${end}"`);
  if (!nodes[cutNode]) throw new Error(`the graph has no node "${cutNode}"`);
  const consts: string[] = [];
  const seen = new Set<string>();
  const stack: GraphNode[] = [endNode];
  let reachedCut = false;
  while (stack.length > 0) {
    const node = stack.pop() as GraphNode;
    if (seen.has(node.name)) continue;
    seen.add(node.name);
    if (node.name === cutNode) {
      reachedCut = true;
      continue;
    }
    if (node.op === 'Placeholder') {
      throw new Error(`node "${cutNode}" does not cut the graph: "${end}" depends on the input "${node.name}" without passing through it`);
    }
    if (node.op === 'Const') consts.push(node.name);
    stack.push(...node.inputs);
  }
  if (!reachedCut) throw new Error(`"${end}" does not depend on "${cutNode}"`);
  return consts;
}

/**
 * Cuts a GraphModel at the node `cutNode`. The float weights (rank >= 1) of the nodes between the cut and
 * `featureNode` (the model's output when undefined) are swapped for `tf.Variable`s in the model's weight
 * map, so that executing the graph from the cut, `model.execute({ [cutNode]: activations }, featureNode)`,
 * records gradients for them (the executor disposes intermediates as it goes, which the gradient tape
 * survives: it keeps its own copies of what backpropagation needs). `inputSizePx` sizes one probe pass
 * that measures the shape at the cut (graph shapes are not known statically).
 * `dispose()` puts the variables' current (trained) values back as plain tensors and frees the originals,
 * so the backbone keeps its fine-tuned weights, as a LayersModel does.
 */
export function cutGraphModel(model: tf.GraphModel, cutNode: string, featureNode: string | undefined, inputSizePx: number): ModelCut {
  const executor = executorOf(model);
  const end = featureNode ?? model.outputNodes[0];
  if (end === undefined) throw new Error('the graph has no output node');
  const weights = executor.weightMap;
  const names = weightsBetween(executor.graph.nodes, cutNode, end).filter((name) => {
    const t = weights[name]?.[0];
    return t !== undefined && t.dtype === 'float32' && t.rank >= 1;
  });
  const activationShape = tf.tidy(() => (model.execute(tf.zeros([1, inputSizePx, inputSizePx, 3]), cutNode) as tf.Tensor).shape.slice(1));
  if (activationShape.length !== 3) throw new Error(`node "${cutNode}" gives [${activationShape.join(', ')}], not [h, w, c]`);
  const originals = names.map((name) => weights[name]?.[0] as tf.Tensor);
  const variables = originals.map((t) => tf.variable(t, true));
  const replaced = new Set<tf.Tensor>(originals);
  const frozenWeights = Object.values(weights).flat().filter((t) => !replaced.has(t));
  // A new map through the executor's setter, which also refreshes the weight ids it keeps for executeAsync.
  executor.weightMap = { ...weights, ...Object.fromEntries(names.map((name, i) => [name, [variables[i] as tf.Tensor]])) };
  let disposed = false;
  return {
    cutName: cutNode,
    activationShape,
    forwardBoth: (x) => model.execute(x, [cutNode, end]) as [tf.Tensor4D, tf.Tensor],
    forwardTop: (activations) => model.execute({ [cutNode]: activations }, end) as tf.Tensor,
    variables,
    frozenWeights,
    dispose() {
      if (disposed) return;
      disposed = true;
      const trainedValues = variables.map((v) => tf.keep(tf.clone(v)));
      executor.weightMap = { ...executor.weightMap, ...Object.fromEntries(names.map((name, i) => [name, [trainedValues[i] as tf.Tensor]])) };
      tf.dispose([...variables, ...originals]);
    },
  };
}

/**
 * The number of blocks stage 2 unfreezes: `requested`, or the catalog's default when null. Throws a
 * `UserFacingError` when this backbone (or the copy that was loaded) cannot be fine-tuned, or `requested` is
 * not an integer in 1..`backbone.fineTuneBlocks`.
 */
export function resolveFineTuneBlocks(backbone: Backbone, requested: number | null): number {
  const { entry } = backbone;
  if (!entry.fineTune || backbone.fineTuneBlocks === 0) {
    throw new UserFacingError(
      entry.fineTune
        ? `The copy of ${entry.label} loaded from ${backbone.sourceUrl} cannot be fine-tuned (its layer names differ); turn fine-tuning off or load the local copy.`
        : `${entry.label} cannot be fine-tuned; turn fine-tuning off.`,
    );
  }
  const blocks = requested ?? Math.min(entry.fineTune.defaultBlocks, backbone.fineTuneBlocks);
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > backbone.fineTuneBlocks) {
    throw new UserFacingError(`${entry.label} can fine-tune 1 to ${backbone.fineTuneBlocks} top blocks, not ${blocks}.`);
  }
  return blocks;
}

