/**
 * Throughput worker entry: thin on purpose. Measures one backend with one backbone (`measureThroughput`) and
 * posts what it found; the page ends the worker when it is done or out of time.
 */
import { errorMessage } from '../core/errors';
import { measureThroughput } from './throughput';
import type { ThroughputEvent, ThroughputRequest } from './throughputProtocol';

const post = (event: ThroughputEvent): void => postMessage(event);

addEventListener('message', (message: MessageEvent<ThroughputRequest>) => {
  measureThroughput(message.data, post).catch((error: unknown) => post({ type: 'error', message: errorMessage(error) }));
});
