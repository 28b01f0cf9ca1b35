/**
 * Export check worker: converts the classifier to a file format (ONNX) and loads that very file in the
 * runtime that will run it (onnxruntime-web, WASM), then classifies the held-out images with it and with the
 * studio's own model (tfjs) on the same decoded pixels, posting the parity figures as they grow. Ends after
 * one request (the page terminates it).
 */
import * as ort from 'onnxruntime-web/wasm';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { errorMessage } from '../../core/errors';
import { createImagePool, defaultPoolSize } from '../../data/images';
import { initBackend } from '../backend/backend';
import { WASM_PATHS } from '../backend/wasmPaths';
import { classifyImages, loadClassifier } from '../model/classifierModel';
import { layersModelToOnnx, ONNX_INPUT, ONNX_OUTPUT } from './onnx/onnxExport';
import { addParityBatch, NO_PARITY, scaledBatch } from './parity';
import type { ConvertRequest, ConvertResponse } from './protocol';

/** Images decoded and compared together. */
const CHUNK = 16;
const post = (response: ConvertResponse, transfer: Transferable[] = []): void => postMessage(response, transfer);

self.onmessage = (message: MessageEvent<ConvertRequest>) => {
  void run(message.data).catch((error: unknown) => post({ type: 'error', message: errorMessage(error) }));
};

async function run(request: ConvertRequest): Promise<void> {
  const started = performance.now();
  await initBackend({ preference: 'wasm', wasmPaths: WASM_PATHS });
  const model = await loadClassifier(request.model);
  try {
    const bytes = layersModelToOnnx(model, request.model, request.name);
    // The session reads this copy; the page gets the bytes it downloads.
    const checked = bytes.slice();
    post({ type: 'file', bytes, runtime: `onnxruntime-web${ort.env.versions.web ? ` ${ort.env.versions.web}` : ''} (WASM)`, convertMs: performance.now() - started }, [bytes.buffer]);
    ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(checked, { executionProviders: ['wasm'] });
    const size = request.model.imageSizePx;
    const studio = (images: readonly Uint8Array[]): number[][] => classifyImages(model, images, size);
    const file = async (images: readonly Uint8Array[]): Promise<number[][]> => {
      const out = (await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', scaledBatch(images), [images.length, size, size, 3]) }))[ONNX_OUTPUT];
      if (!out) throw new Error(`the ONNX file has no output "${ONNX_OUTPUT}"`);
      const data = out.data as Float32Array;
      const classes = out.dims[1] ?? 0;
      return images.map((_, i) => Array.from(data.subarray(i * classes, (i + 1) * classes)));
    };
    const pool = createImagePool({ size: defaultPoolSize(navigator.hardwareConcurrency) });
    let figures = { ...NO_PARITY, total: request.files.length };
    try {
      for (let start = 0; start < request.files.length; start += CHUNK) {
        const chunk = request.files.slice(start, start + CHUNK);
        const images = await Promise.all(chunk.map((f) => pool.decode(f, { sizePx: size, fit: request.fit }).catch(() => null)));
        figures = await addParityBatch(figures, images, request.truth.slice(start, start + CHUNK), studio, file);
        post({ type: 'parity', figures, finished: figures.done >= figures.total });
      }
      if (request.files.length === 0) post({ type: 'parity', figures, finished: true });
    } finally {
      pool.dispose();
      await session.release();
    }
  } finally {
    model.dispose();
  }
}

