/**
 * Backbones fetched from the network: the online catalog (`ONLINE_BACKBONES`) and models of the user's own
 * given by URL. Nothing here runs until a person picks such a backbone. Every file goes through Cache Storage
 * first (the `studio-backbones` cache, the one the service worker keeps the studio's own `/models/**` in), so
 * a backbone downloaded once loads offline afterwards, in the page and in the training worker alike.
 */
import * as tf from '@tensorflow/tfjs';
import { UserFacingError } from '../../core/errors';
import type { BackboneEntry, BackboneSource } from './catalogTypes';
import { FILES_URL_PREFIX, manifestSize } from './customBackbone';
import type { ModelFile } from './customBackbone';
import { filesIOHandler } from './customBackboneFiles';

/** Cache Storage name shared with the service worker's runtime cache of `/models/**` (src/tools/pwa.ts). */
export const BACKBONE_CACHE = 'studio-backbones';

/** Where the cache and the network are (replaceable in tests; `caches` is absent in Node and in insecure pages). */
export interface NetworkOptions {
  readonly cacheName?: string;
  /** The Cache Storage to use; null: none (every file is fetched). Default: `globalThis.caches` when there is one. */
  readonly cacheStorage?: CacheStorage | null;
  readonly fetchImpl?: typeof fetch;
}

/** The `model.json` URL of a source: TF Hub model URLs get `/model.json?tfjs-format=file`, as tfjs's `fromTFHub` does. */
export function modelJsonUrl(source: Pick<BackboneSource, 'url' | 'fromTFHub'>): string {
  if (!source.fromTFHub) return source.url;
  return `${source.url.endsWith('/') ? source.url : `${source.url}/`}model.json?tfjs-format=file`;
}

/**
 * The URLs tfjs's HTTP loader fetches the weight shards from: each manifest path beside `model.json`, with
 * `model.json`'s query string (TF Hub's `?tfjs-format=file`) appended.
 */
export function weightUrls(modelUrl: string, modelJson: { readonly weightsManifest?: readonly { readonly paths: readonly string[] }[] }): string[] {
  const lastSlash = modelUrl.lastIndexOf('/');
  const query = modelUrl.lastIndexOf('?');
  const prefix = `${modelUrl.slice(0, lastSlash)}/`;
  const suffix = query > lastSlash ? modelUrl.slice(query) : '';
  return (modelJson.weightsManifest ?? []).flatMap((group) => group.paths.map((path) => `${prefix}${path}${suffix}`));
}

async function openCache(options: NetworkOptions): Promise<Cache | null> {
  const storage = options.cacheStorage === undefined ? (globalThis.caches as CacheStorage | undefined) : options.cacheStorage;
  if (!storage) return null;
  try {
    return await storage.open(options.cacheName ?? BACKBONE_CACHE);
  } catch {
    // Storage can be refused (private windows, quota); the files are then fetched every time.
    return null;
  }
}

/** Whether a response is a whole file worth keeping (not an error, a partial response, or an HTML error page). */
const keepable = (response: Response): boolean =>
  response.status === 200 && !(response.headers.get('content-type') ?? '').includes('text/html');

const urlOf = (input: RequestInfo | URL): string => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

/**
 * A `fetch` that answers from Cache Storage when it holds the URL, and otherwise fetches and keeps whole,
 * successful responses there (a full cache is not an error: the response is still returned).
 */
export function cachingFetch(options: NetworkOptions = {}): typeof fetch {
  const fetchImpl = options.fetchImpl ?? fetch;
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    const cache = await openCache(options);
    const hit = await cache?.match(url);
    if (hit) return hit;
    const response = await fetchImpl(input, init);
    if (cache && keepable(response)) await cache.put(url, response.clone()).catch(() => undefined);
    return response;
  };
}

/** Progress of `downloadBackbone`, in bytes. */
export interface DownloadProgress {
  readonly loadedBytes: number;
  /** The manifest's weights plus `model.json` (grows when the files turn out larger). */
  readonly totalBytes: number;
}

/** What `downloadBackbone` did. */
export interface DownloadResult {
  readonly bytes: number;
  /** True when every file was already in Cache Storage (nothing was fetched). */
  readonly fromCache: boolean;
  /** Whether the files are now kept in Cache Storage (false where the page has none). */
  readonly cached: boolean;
}

/** Reads a response body, reporting each chunk's size; returns the bytes as a Blob. */
async function readBody(response: Response, onChunk: (bytes: number) => void, signal?: AbortSignal): Promise<Blob> {
  if (!response.body) {
    const blob = await response.blob();
    onChunk(blob.size);
    return blob;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw new DOMException('The download was cancelled', 'AbortError');
    }
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    onChunk(value.byteLength);
  }
  return new Blob(chunks as BlobPart[]);
}

/**
 * Downloads a source's `model.json` and every weight shard into Cache Storage, reporting bytes as they
 * arrive; files already there are counted without fetching. Resolves when all are kept; rejects with a
 * `UserFacingError` naming the URL that failed.
 */
export async function downloadBackbone(
  source: Pick<BackboneSource, 'url' | 'fromTFHub'>,
  options: NetworkOptions & { readonly onProgress?: (progress: DownloadProgress) => void; readonly signal?: AbortSignal } = {},
): Promise<DownloadResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const cache = await openCache(options);
  const url = modelJsonUrl(source);
  const get = async (fileUrl: string): Promise<{ response: Response; hit: boolean }> => {
    const hit = await cache?.match(fileUrl);
    if (hit) return { response: hit, hit: true };
    let response: Response;
    try {
      response = await fetchImpl(fileUrl, { signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new UserFacingError(`Could not download ${fileUrl}: ${error instanceof Error ? error.message : String(error)} (is the network there?)`);
    }
    if (!keepable(response)) throw new UserFacingError(`Could not download ${fileUrl}: the server answered ${response.status}.`);
    return { response, hit: false };
  };
  const first = await get(url);
  const jsonText = await first.response.text();
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(jsonText) as tf.io.ModelJSON;
  } catch {
    throw new UserFacingError(`${url} is not a model.json (not JSON).`);
  }
  if (!first.hit) await cache?.put(url, new Response(jsonText, { headers: { 'content-type': 'application/json' } })).catch(() => undefined);
  let loaded = jsonText.length;
  let total = loaded + manifestSize(modelJson).bytes;
  let fromCache = first.hit;
  const report = (): void => options.onProgress?.({ loadedBytes: loaded, totalBytes: Math.max(total, loaded) });
  report();
  for (const shardUrl of weightUrls(url, modelJson)) {
    const { response, hit } = await get(shardUrl);
    if (hit) {
      const length = Number(response.headers.get('content-length'));
      loaded += Number.isFinite(length) && length > 0 ? length : (await response.blob()).size;
      report();
      continue;
    }
    fromCache = false;
    const blob = await readBody(response, (bytes) => {
      loaded += bytes;
      report();
    }, options.signal);
    const headers = { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(blob.size) };
    await cache?.put(shardUrl, new Response(blob, { headers })).catch(() => undefined);
  }
  total = loaded;
  report();
  return { bytes: loaded, fromCache, cached: cache !== null };
}

/** Whether Cache Storage holds a source's `model.json` and every shard it names (false where there is none). */
export async function isDownloaded(source: Pick<BackboneSource, 'url' | 'fromTFHub'>, options: NetworkOptions = {}): Promise<boolean> {
  const cache = await openCache(options);
  const url = modelJsonUrl(source);
  const json = await cache?.match(url);
  if (!cache || !json) return false;
  try {
    const urls = weightUrls(url, (await json.json()) as tf.io.ModelJSON);
    const hits = await Promise.all(urls.map((u) => cache.match(u)));
    return hits.every((h) => h !== undefined);
  } catch {
    return false;
  }
}

/**
 * The IOHandler the training worker loads a source with: a model of the user's own given as files is read
 * from `files`; an online or user-URL source goes through `cachingFetch` (reporting weight progress, 0-1, to
 * `onProgress`); anything else (the studio's own `/models/...`, a built-in's public fallback) is left to
 * tfjs (undefined), as before.
 */
export function backboneIOHandler(
  entry: BackboneEntry,
  source: BackboneSource,
  options: NetworkOptions & { readonly files?: readonly ModelFile[] | null; readonly onProgress?: (fraction: number) => void } = {},
): tf.io.IOHandler | undefined {
  if (source.url.startsWith(FILES_URL_PREFIX)) {
    const { files } = options;
    if (!files) return { load: () => Promise.reject(new Error("the model's files were not passed to the training run")) };
    return filesIOHandler(files, source.url.slice(FILES_URL_PREFIX.length));
  }
  if (entry.online === undefined && entry.kind !== 'custom') return undefined;
  return tf.io.http(modelJsonUrl(source), { fetchFunc: cachingFetch(options), onProgress: options.onProgress });
}
