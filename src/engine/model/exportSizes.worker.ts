/**
 * Measures the model export's size under each weight type (`exportSizes`: three zips built, two of them with
 * quantized weights), off the page's main thread: for MobileNetV2 1.0 that is a few hundred milliseconds.
 */
import { exportSizes } from './modelExport';
import type { ExportSizesRequest, ExportSizesResponse } from './exportSizesClient';

self.onmessage = (message: MessageEvent<ExportSizesRequest>) => {
  const { model, options } = message.data;
  let response: ExportSizesResponse;
  try {
    response = { ok: true, sizes: exportSizes(model, options) };
  } catch (error) {
    response = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  postMessage(response);
};
