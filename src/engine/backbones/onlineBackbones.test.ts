import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone } from './backbones';
import { ALL_BACKBONES, ONLINE_BACKBONES } from './catalog';
import { describeBackbone } from './backboneInfo';
import type { BackboneEntry } from './catalog';
import { backboneIOHandler, cachingFetch, downloadBackbone, isDownloaded, modelJsonUrl, weightUrls } from './onlineBackbones';
import type { DownloadProgress } from './onlineBackbones';

const GRAPH_DIR = path.resolve(import.meta.dirname, '../../../../shared/models/mobilenet_v1_0.25_224_graph');
/** The path of the MobileNetV3 entry's TF Hub URL, served here from a local copy of another model. */
const HUB_PATH = '/google/tfjs-model/imagenet/mobilenet_v3_large_100_224/feature_vector/5/default/1';

let server: Server;
let origin: string;
const requests: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  // Laid out like TF Hub's tfjs files (`<model>/model.json?tfjs-format=file`, shards beside it with the same
  // query), serving the v1 0.25 graph model: the same layout, not MobileNetV3's weights.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    const file = url.pathname.startsWith(`${HUB_PATH}/`) && url.search === '?tfjs-format=file' ? url.pathname.slice(HUB_PATH.length + 1) : null;
    if (file !== 'model.json' && file !== 'group1-shard1of1') {
      res.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(path.join(GRAPH_DIR, file));
    res.writeHead(200, { 'content-type': file === 'model.json' ? 'application/json' : 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The MobileNetV3 online entry pointed at the local server. */
function localEntry(): BackboneEntry {
  const entry = ONLINE_BACKBONES.find((e) => e.id === 'online_mobilenet_v3_large_100_224') as BackboneEntry;
  return { ...entry, sources: entry.sources.map((s) => ({ ...s, url: `${origin}${HUB_PATH}` })) };
}

describe('the online catalog', () => {
  it('lists public TF Hub feature vectors on hosts the page may reach, with sizes, head-only', () => {
    expect(ONLINE_BACKBONES.map((e) => e.id)).toEqual(['online_mobilenet_v3_large_100_224', 'online_efficientnet_b0', 'online_resnet_v2_50']);
    for (const entry of ONLINE_BACKBONES) {
      expect(ALL_BACKBONES).toContain(entry);
      expect(entry.online?.approxBytes).toBeGreaterThan(1024 * 1024);
      expect(entry.fineTune).toBeNull();
      expect(entry.sources).toHaveLength(1);
      const source = entry.sources[0];
      expect(source?.fromTFHub).toBe(true);
      // vite.config.ts's CSP connect-src allows tfhub.dev, www.kaggle.com and storage.googleapis.com.
      expect(new URL(source?.url ?? '').host).toBe('tfhub.dev');
    }
  });

  it('builds the URLs tfjs fetches: model.json and each shard with ?tfjs-format=file', () => {
    const url = modelJsonUrl({ url: 'https://tfhub.dev/a/b/1', fromTFHub: true });
    expect(url).toBe('https://tfhub.dev/a/b/1/model.json?tfjs-format=file');
    expect(modelJsonUrl({ url: 'https://x.test/m/model.json' })).toBe('https://x.test/m/model.json');
    expect(weightUrls(url, { weightsManifest: [{ paths: ['group1-shard1of2', 'group1-shard2of2'] }] })).toEqual([
      'https://tfhub.dev/a/b/1/group1-shard1of2?tfjs-format=file',
      'https://tfhub.dev/a/b/1/group1-shard2of2?tfjs-format=file',
    ]);
  });
});

describe('downloading and loading an online backbone (local server, no Cache Storage in Node)', () => {
  it('downloads model.json and the weights with progress that only grows and ends at the total', async () => {
    requests.length = 0;
    const progress: DownloadProgress[] = [];
    const result = await downloadBackbone(localEntry().sources[0] as BackboneEntry['sources'][number], {
      cacheStorage: null,
      onProgress: (p) => progress.push(p),
    });
    const size = readFileSync(path.join(GRAPH_DIR, 'model.json')).length + readFileSync(path.join(GRAPH_DIR, 'group1-shard1of1')).length;
    expect(result).toEqual({ bytes: size, fromCache: false, cached: false });
    expect(requests).toEqual([`${HUB_PATH}/model.json?tfjs-format=file`, `${HUB_PATH}/group1-shard1of1?tfjs-format=file`]);
    expect(progress.length).toBeGreaterThan(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]?.loadedBytes).toBeGreaterThanOrEqual(progress[i - 1]?.loadedBytes ?? 0);
    expect(progress.at(-1)).toEqual({ loadedBytes: size, totalBytes: size });
    expect(await isDownloaded(localEntry().sources[0] as BackboneEntry['sources'][number], { cacheStorage: null })).toBe(false);
  });

  it('says which URL failed', async () => {
    await expect(downloadBackbone({ url: `${origin}/nothing/here`, fromTFHub: true }, { cacheStorage: null })).rejects.toThrow(
      `Could not download ${origin}/nothing/here/model.json?tfjs-format=file: the server answered 404.`,
    );
  });

  it('the training worker\'s loader fetches it as TF Hub lays it out, reports progress, and measures its features', async () => {
    requests.length = 0;
    const entry = localEntry();
    const fractions: number[] = [];
    const backbone = await loadBackbone(entry, {
      ioHandlerFor: (source) => backboneIOHandler(entry, source, { cacheStorage: null, onProgress: (f) => fractions.push(f) }),
    });
    expect(requests).toEqual([`${HUB_PATH}/model.json?tfjs-format=file`, `${HUB_PATH}/group1-shard1of1?tfjs-format=file`]);
    expect(fractions.at(-1)).toBe(1);
    // The served copy is the v1 classification graph: its output is 1001 logits, measured, not the entry's 1280.
    expect(backbone.featureSize).toBe(1001);
    const info = describeBackbone(backbone.entry, backbone.sourceUrl, backbone.featureSize);
    expect(info).toMatchObject({ id: entry.id, online: true, format: 'graph', featureNode: null, inputScaling: 'zeroToOne', featureSize: 1001 });
    const features = backbone.embed(tf.zeros([1, 224, 224, 3], 'int32') as tf.Tensor4D);
    expect(features.shape).toEqual([1, 1001]);
    features.dispose();
    backbone.dispose();
  });

  it('leaves the studio\'s own /models/ sources to tfjs, and passes through fetch where there is no cache', async () => {
    const builtIn = ALL_BACKBONES[0] as BackboneEntry;
    expect(backboneIOHandler(builtIn, builtIn.sources[0] as BackboneEntry['sources'][number])).toBeUndefined();
    const response = await cachingFetch({ cacheStorage: null })(`${origin}${HUB_PATH}/model.json?tfjs-format=file`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { modelTopology: object }).modelTopology).toBeDefined();
  });
});
