/**
 * Training worker entry: thin on purpose. It picks the backend, then hands the run to `runTraining` with a
 * reader that decodes (and augments) the page's files in a pool of image workers, off the main thread.
 */
import { errorMessage } from '../../core/errors';
import { createImagePool } from '../../data/images';
import { checkPhotoFit } from '../../data/images';
import { WASM_PATHS } from '../backend/wasmPaths';
import { fileKeyOf, runMemo } from '../features/featureMemo';
import { initBackend, prepareFineTuneBackend, wasmThreadsFor } from '../backend/backend';
import { useMatMulFastPath } from '../backend/wasmGradients';
import { loadBackbone } from '../backbones/backbones';
import { backboneIOHandler } from '../backbones/onlineBackbones';
import { createPauseGate } from './pauseGate';
import { packCheckpoint, unpackCheckpoint } from './checkpoint';
import type { TrainEvent } from './events';
import type { TrainRequest, TrainResponse, TrainWorkerMessage } from './protocol';
import { runTraining } from './run';

/** Posts an event; the trained model's weights and the run's features are transferred, not copied; a checkpoint goes packed. */
const post = (event: TrainEvent): void => {
  if (event.type === 'done') {
    const transfer = [event.model?.weightData, event.embeddings?.values.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    postMessage(event, { transfer });
  } else if (event.type === 'checkpoint') postMessage({ type: 'checkpoint', checkpoint: packCheckpoint(event.checkpoint) } satisfies TrainResponse);
  else postMessage(event satisfies TrainResponse);
};
let controller: AbortController | null = null;
let evaluationRequested = false;
const gate = createPauseGate();

addEventListener('message', (message: MessageEvent<TrainRequest>) => {
  const request = message.data;
  switch (request.type) {
    case 'stop':
      controller?.abort();
      return;
    case 'evaluate':
      evaluationRequested = true;
      return;
    case 'pause':
      if (gate.pause()) post({ type: 'paused', paused: true });
      return;
    case 'resume':
      if (gate.resume()) post({ type: 'paused', paused: false });
      return;
    case 'start':
      // The worker's clock starts when it is created: this is how long its code took to arrive and start.
      void start(request, performance.now());
  }
});

async function start(request: Extract<TrainRequest, { type: 'start' }>, workerStartMs: number): Promise<void> {
  controller = new AbortController();
  const signal = controller.signal;
  const pool = createImagePool();
  try {
    // Checked once here, not per image: a bad value would otherwise skip every image as undecodable.
    const fit = checkPhotoFit(request.settings.photoFit);
    // Every core computes (the image pool above was sized from the real core count first).
    const wasmThreads = request.tuning?.wasmThreads ?? wasmThreadsFor(navigator.hardwareConcurrency, crossOriginIsolated);
    const backendStartMs = performance.now();
    const backend = await initBackend({
      preference: request.backend,
      wasmThreads,
      wasmPaths: WASM_PATHS,
    });
    const startup = { workerStartMs, backendMs: performance.now() - backendStartMs, wasmThreads: Math.max(1, backend.threads) };
    const memo = request.tuning ? undefined : runMemo(fit, request.featureRows ?? new Map(), (item) => fileKeyOf(request.files[item.fileIndex], item.path));
    // The rows this run computed go to the page before the run's last event (the page then ends this worker).
    const onEvent = (event: TrainEvent): void => {
      if (memo && memo.added.size > 0 && (event.type === 'done' || event.type === 'stopped' || event.type === 'error')) {
        const transfer = [...memo.added.values()].map((row) => row.buffer);
        postMessage({ type: 'featureRows', rows: memo.added } satisfies TrainWorkerMessage, { transfer });
      }
      post(event);
    };
    if (request.tuning?.plainMatMul) useMatMulFastPath(false);
    post({ type: 'backend', backend: backend.name, reason: backend.reason, part: 'embed' });
    await runTraining(
      {
        dataset: request.dataset, settings: request.settings, backend: backend.name, ingestMs: request.ingestMs,
        checkpoints: request.checkpoints, resumeFrom: request.resumeFrom ? await unpackCheckpoint(request.resumeFrom) : undefined,
        backboneEntry: request.customBackbone?.entry, startup,
      },
      {
        loadBackbone: (entry) =>
          loadBackbone(entry, {
            seed: request.settings.seed,
            // A model of the user's own is read from its files; online ones come through Cache Storage.
            ioHandlerFor: (source) =>
              backboneIOHandler(entry, source, {
                files: request.customBackbone?.files,
                onProgress: (fraction) => post({ type: 'progress', stage: 'backbone', done: Math.round(fraction * 100), total: 100 }),
              }),
          }),
        readImage: (item, sizePx, params) => {
          const file = request.files[item.fileIndex];
          if (!file) return Promise.reject(new Error('file is no longer available'));
          return pool.decode(file, { sizePx, params: params ?? undefined, fit }, signal);
        },
        // Every view of a training photo from one decode: a photo is decoded once per run, not once per view.
        readViews: request.tuning?.decodeEachView ? undefined : (item, sizePx, params) => {
          const file = request.files[item.fileIndex];
          if (!file) return Promise.reject(new Error('file is no longer available'));
          return pool.decodeViews(file, { sizePx, views: params.map((p) => p ?? undefined), fit }, signal);
        },
        imageWork: () => ({ ...pool.work(), workers: pool.size }),
        onEvent,
        featureMemo: memo,
        takeEvaluationRequest: () => {
          const requested = evaluationRequested;
          evaluationRequested = false;
          return requested;
        },
        waitWhilePaused: () => gate.wait(signal),
        prepareFineTune: async () => {
          const chosen = await prepareFineTuneBackend();
          post({ type: 'backend', backend: chosen.backend, reason: chosen.reason, part: 'finetune' });
          return chosen;
        },
        signal,
      },
    );
  } catch (error) {
    post({ type: 'error', message: errorMessage(error) });
  } finally {
    pool.dispose();
  }
}
