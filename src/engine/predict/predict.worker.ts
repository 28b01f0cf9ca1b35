/**
 * Prediction worker: holds one loaded classifier and classifies files (decoded in a nested image pool) and
 * video frames, and computes occlusion heatmaps of either, off the page's main thread.
 */
import { errorMessage } from '../../core/errors';
import { renderRgb } from '../../data/images';
import { createImagePool, defaultPoolSize } from '../../data/images';
import type { AugmentParams, ImagePool } from '../../data/images';
import { WASM_PATHS } from '../backend/wasmPaths';
import { initBackend, wasmThreadsFor } from '../backend/backend';
import { TTA_VIEWS } from '../features/tta';
import type { BackendInfo } from '../backend/backend';
import { occlusionMap } from './occlusion';
import { loadForPrediction } from './predict';
import type { LoadedClassifier } from './predict';
import type { FilePrediction, PredictRequest, PredictResponse } from './protocol';

/** Files decoded and classified together. */
const CHUNK = 16;

const post = (response: PredictResponse): void => postMessage(response);
/** The real core count, read before the threaded backend is told otherwise (see `initBackend`). */
const CORES = navigator.hardwareConcurrency;
let backend: Promise<BackendInfo> | null = null;
let pool: ImagePool | null = null;
let classifier: LoadedClassifier | null = null;
const running = new Map<number, AbortController>();
/** Loads run one after another: two overlapping loads could otherwise end in the wrong order, leaving the older model active. */
let loads: Promise<unknown> = Promise.resolve();

addEventListener('message', (message: MessageEvent<PredictRequest>) => {
  const request = message.data;
  if (request.type === 'cancel') {
    running.get(request.id)?.abort();
    return;
  }
  void handle(request).catch((error: unknown) => post({ type: 'error', id: request.id, message: errorMessage(error) }));
});

async function handle(request: Exclude<PredictRequest, { type: 'cancel' }>): Promise<void> {
  switch (request.type) {
    case 'load': {
      const load = loads.then(() => loadModel(request));
      loads = load.catch(() => undefined);
      await load;
      return;
    }
    case 'frame': {
      const started = performance.now();
      try {
        const model = loadedClassifier();
        const views = viewsOf(request.tta).map((params) => renderRgb(request.frame, model.imageSizePx, params, request.fit));
        const [top = []] = model.classifyViews([views], request.topK);
        post({ type: 'frame', id: request.id, top, ms: performance.now() - started });
      } finally {
        request.frame.close();
      }
      return;
    }
    case 'files':
      await classifyFiles(request);
      return;
    case 'heatmap':
      await heatmap(request);
  }
}

/** Starts the backend once, loads the model, and makes it the active classifier (the previous one is freed). */
async function loadModel(request: Extract<PredictRequest, { type: 'load' }>): Promise<void> {
  backend ??= initBackend({
    // Every core classifies, as every core trains.
    wasmThreads: wasmThreadsFor(CORES, crossOriginIsolated),
    wasmPaths: WASM_PATHS,
  });
  const info = await backend;
  const loaded = await loadForPrediction(request.model);
  classifier?.dispose();
  classifier = loaded;
  const backendText = info.threads > 0 ? `${info.name}; ${info.threads} thread${info.threads === 1 ? '' : 's'}` : info.name;
  post({ type: 'loaded', id: request.id, backend: backendText, labels: loaded.labels });
}

/** Decodes the file (or renders the frame) as the classifier sees it and answers with its occlusion map. */
async function heatmap(request: Extract<PredictRequest, { type: 'heatmap' }>): Promise<void> {
  const started = performance.now();
  const { source } = request;
  let rgb: Uint8Array;
  let model: LoadedClassifier;
  if ('frame' in source) {
    try {
      model = loadedClassifier();
      rgb = renderRgb(source.frame, model.imageSizePx, undefined, request.fit);
    } finally {
      source.frame.close();
    }
  } else {
    model = loadedClassifier();
    rgb = await imagePool().decode(source.file, { sizePx: model.imageSizePx, fit: request.fit });
  }
  const classIndex = request.label === null ? null : model.labels.indexOf(request.label);
  if (classIndex === -1) throw new Error(`the classifier has no class "${request.label ?? ''}"`);
  const map = await occlusionMap(rgb, model.imageSizePx, (images) => model.probabilities(images), classIndex);
  const response: PredictResponse = {
    type: 'heatmap',
    id: request.id,
    ...map,
    label: model.labels[map.classIndex] ?? '',
    image: rgb,
    sizePx: model.imageSizePx,
    ms: performance.now() - started,
  };
  postMessage(response, [map.heat.buffer, map.drops.buffer, rgb.buffer]);
}

/** The views an image is classified in: the plain one (undefined), and the test-time views with `tta`. */
function viewsOf(tta: boolean | undefined): readonly (AugmentParams | undefined)[] {
  return tta ? [undefined, ...TTA_VIEWS] : [undefined];
}

/** The worker's image pool, started on first use. */
function imagePool(): ImagePool {
  pool ??= createImagePool({ size: defaultPoolSize(CORES) });
  return pool;
}

function loadedClassifier(): LoadedClassifier {
  if (!classifier) throw new Error('no model is loaded');
  return classifier;
}

async function classifyFiles(request: Extract<PredictRequest, { type: 'files' }>): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    const model = loadedClassifier();
    const images = imagePool();
    const total = request.files.length;
    for (let start = 0; start < total || start === 0; start += CHUNK) {
      const chunk = request.files.slice(start, start + CHUNK);
      const decoded = await Promise.all(
        chunk.map((file) =>
          images.decodeViews(file, { sizePx: model.imageSizePx, fit: request.fit, views: viewsOf(request.tta) }, controller.signal).then(
            (views) => ({ views }),
            (error: unknown) => ({ error: errorMessage(error) }),
          ),
        ),
      );
      if (controller.signal.aborted) return;
      const readable = decoded.flatMap((d, i) => ('views' in d ? [{ index: start + i, views: d.views }] : []));
      const scores = model.classifyViews(readable.map((r) => r.views), request.topK);
      const results: FilePrediction[] = decoded.map((d, i) =>
        'error' in d ? { index: start + i, error: d.error } : { index: start + i, top: scores[readable.findIndex((r) => r.index === start + i)] ?? [] },
      );
      const done = Math.min(total, start + CHUNK);
      post({ type: 'files', id: request.id, results, done, total, finished: done >= total });
      if (total === 0) return;
    }
  } finally {
    running.delete(request.id);
  }
}
