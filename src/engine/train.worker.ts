/**
 * Training worker entry: thin on purpose. It picks the backend, then hands the run to `runTraining` with a
 * reader that decodes the page's files here, off the main thread.
 */
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { errorMessage } from '../core/errors';
import { decodeImageToRgb } from '../data/decode';
import { initBackend } from './backend';
import { loadBackbone } from './backbones';
import type { TrainRequest, TrainResponse } from './protocol';
import { runTraining } from './run';

const post = (event: TrainResponse): void => postMessage(event);
let controller: AbortController | null = null;
let evaluationRequested = false;

addEventListener('message', (message: MessageEvent<TrainRequest>) => {
  const request = message.data;
  if (request.type === 'stop') {
    controller?.abort();
    return;
  }
  if (request.type === 'evaluate') {
    evaluationRequested = true;
    return;
  }
  controller = new AbortController();
  const signal = controller.signal;
  void (async () => {
    try {
      const backend = await initBackend({
        preference: request.backend,
        wasmPaths: {
          'tfjs-backend-wasm.wasm': wasmPlainUrl,
          'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
          'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
        },
      });
      post({ type: 'backend', backend: backend.name, reason: backend.reason });
      await runTraining(
        { dataset: request.dataset, settings: request.settings, backend: backend.name, ingestMs: request.ingestMs },
        {
          loadBackbone: (entry) => loadBackbone(entry),
          readImage: (item, sizePx) => {
            const file = request.files[item.fileIndex];
            if (!file) return Promise.reject(new Error('file is no longer available'));
            return decodeImageToRgb(file, sizePx);
          },
          onEvent: post,
          takeEvaluationRequest: () => {
            const requested = evaluationRequested;
            evaluationRequested = false;
            return requested;
          },
          signal,
        },
      );
    } catch (error) {
      post({ type: 'error', message: errorMessage(error) });
    }
  })();
});
