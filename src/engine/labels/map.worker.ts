/// <reference lib="webworker" />
/**
 * The embedding map's worker: lays out the features in 2-D (see `projection.ts`) off the page's thread,
 * posting progress, then the points (transferred).
 */
import { errorMessage } from '../../core/errors';
import { projectFeatures } from './projection';
import type { MapRequest, MapResponse } from './mapProtocol';

const post = (response: MapResponse, transfer: Transferable[] = []): void => postMessage(response, { transfer });

addEventListener('message', (message: MessageEvent<MapRequest>) => {
  const { values, dim, seed } = message.data;
  try {
    const points = projectFeatures(values, dim, { seed, onProgress: (done, total) => post({ type: 'progress', done, total }) });
    post({ type: 'done', points }, [points.buffer]);
  } catch (error) {
    post({ type: 'error', message: errorMessage(error) });
  }
});
