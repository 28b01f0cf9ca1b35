/** The page's side of `exportSizes.worker.ts`: the export's sizes, measured in a worker that ends after answering. */
import type { ClassifierModel } from './classifierModel';
import type { ExportOptions, ExportSize } from './modelExport';
import type { WeightDtype } from './modelExportWeights';

export interface ExportSizesRequest {
  readonly model: ClassifierModel;
  readonly options: Omit<ExportOptions, 'dtype'>;
}

export type ExportSizesResponse =
  | { readonly ok: true; readonly sizes: Record<WeightDtype, ExportSize> }
  | { readonly ok: false; readonly message: string };

/** The zip's size under each weight type (the model is copied to the worker); rejects when the worker fails. */
export function measureExportSizes(model: ClassifierModel, options: Omit<ExportOptions, 'dtype'>): Promise<Record<WeightDtype, ExportSize>> {
  const worker = new Worker(new URL('./exportSizes.worker.ts', import.meta.url), { type: 'module', name: 'export sizes' });
  return new Promise<Record<WeightDtype, ExportSize>>((resolve, reject) => {
    worker.onmessage = (message: MessageEvent<ExportSizesResponse>) => {
      const response = message.data;
      if (response.ok) resolve(response.sizes);
      else reject(new Error(response.message));
    };
    worker.onerror = (error) => reject(new Error(error.message || 'the export size worker crashed'));
    const request: ExportSizesRequest = { model, options };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}
