/**
 * Choosing the CAM target layer of a trained classifier after the fact. A network comes
 * split at one layer (`model = head(features(x))`); this re-splits it at any other layer
 * that cuts the graph in two — a layer every path from the input to the logits passes
 * through (any layer of a chain; a block output of ResNet or DenseNet) — by re-applying the
 * network's own layers, so the new `features` and `head` share its weights.
 *
 * Layers are chosen by name or by depth: the n-th layer with spatial output (`[N, h, w, k]`)
 * counting from the input (1-based), or from the end when negative (-1 = the last).
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { ConfigError } from "../util/errors.ts";
import type { ClassifierNetwork } from "../plugin/plugin.ts";

type Sym = tfl.SymbolicTensor;

/** A target layer: its name, or its depth among the spatial layers (negative: from the end). */
export type LayerSelector = string | number;

/** One spatial layer of a network, in input-to-output order. */
export interface SpatialLayer {
  readonly name: string;
  /** 1-based depth among the spatial layers. */
  readonly depth: number;
  /** Output `[h, w, k]`. */
  readonly shape: readonly [number, number, number];
}

/** The network's graph rebuilt flat (sub-models inlined) on a fresh input. */
interface FlatGraph {
  readonly input: Sym;
  readonly output: Sym;
  /** Every tensor on a path from input to output, input first (topological order). */
  readonly tensors: readonly Sym[];
}

function isInput(t: Sym): boolean {
  return t.inputs.length === 0 || t.sourceLayer.getClassName() === "InputLayer";
}

/**
 * Re-applies the layers that compute `out`, replacing each tensor found in `fed` by its
 * value there. Sub-models are inlined. Returns the new tensor of `out`; `order` receives
 * every new tensor after its inputs. Throws when it reaches an input that was not fed.
 */
function rebuild(out: Sym, fed: Map<number, Sym>, order: Sym[], cut?: string): Sym {
  const known = fed.get(out.id);
  if (known) return known;
  if (isInput(out)) {
    throw new ConfigError(
      `layer "${cut}" does not cut the network in two: a path to the logits bypasses it ` +
        `(pick a block output)`,
    );
  }
  const args = out.inputs.map((t) => rebuild(t, fed, order, cut));
  const layer = out.sourceLayer;
  let result: Sym;
  if (layer instanceof tfl.LayersModel) {
    const inner = new Map(layer.inputs.map((t, i) => [t.id, args[i]] as [number, Sym]));
    result = rebuild(layer.outputs[out.tensorIndex], inner, order, cut);
  } else {
    const applied = layer.apply(args.length === 1 ? args[0] : args, out.callArgs) as Sym | Sym[];
    result = Array.isArray(applied) ? applied[out.tensorIndex] : applied;
    order.push(result);
  }
  fed.set(out.id, result);
  return result;
}

function flatten(network: ClassifierNetwork): FlatGraph {
  const { model } = network;
  const input = tfl.input({ shape: model.inputs[0].shape.slice(1) as number[] });
  const order: Sym[] = [input];
  const output = rebuild(model.outputs[0], new Map([[model.inputs[0].id, input]]), order);
  return { input, output, tensors: order };
}

function isSpatial(t: Sym): boolean {
  return t.shape.length === 4;
}

/** The spatial layers of a network, input to output. */
export function spatialLayers(network: ClassifierNetwork): SpatialLayer[] {
  const { tensors } = flatten(network);
  return tensors.filter((t) => isSpatial(t) && !isInput(t)).map((t, i) => ({
    name: t.sourceLayer.name,
    depth: i + 1,
    shape: t.shape.slice(1) as [number, number, number],
  }));
}

function pick(graph: FlatGraph, selector: LayerSelector): Sym {
  const spatial = graph.tensors.filter((t) => isSpatial(t) && !isInput(t));
  const names = () => spatial.map((t) => t.sourceLayer.name).join(", ");
  if (typeof selector === "string") {
    const found = spatial.find((t) => t.sourceLayer.name === selector);
    if (!found) {
      throw new ConfigError(
        `CAM layer "${selector}" is not a spatial layer of the network ` +
          `(it has: ${names()})`,
      );
    }
    return found;
  }
  const index = selector < 0 ? spatial.length + selector : selector - 1;
  if (!Number.isInteger(selector) || selector === 0 || index < 0 || index >= spatial.length) {
    throw new ConfigError(
      `CAM layer depth ${selector} is out of range: the network has ${spatial.length} ` +
        `spatial layers (1 … ${spatial.length}, or -1 … -${spatial.length} from the end)`,
    );
  }
  return spatial[index];
}

/**
 * The network split at the selected layer: `features` ends with it, `head` maps its
 * activations to the logits. Weights are shared with `network`; `model` is unchanged.
 */
export function splitAtLayer(
  network: ClassifierNetwork,
  selector: LayerSelector,
): ClassifierNetwork {
  const graph = flatten(network);
  const target = pick(graph, selector);
  const features = tfl.model({ inputs: graph.input, outputs: target, name: "features" });
  const headIn = tfl.input({ shape: target.shape.slice(1) as number[] });
  const logits = rebuild(graph.output, new Map([[target.id, headIn]]), [], target.sourceLayer.name);
  const head = tfl.model({ inputs: headIn, outputs: logits, name: "head" });
  return { features, head, model: network.model };
}
