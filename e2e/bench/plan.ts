/**
 * What `npm run bench` measures, and how much of it: the full plan (under 20 minutes on a 2-core machine
 * without a GPU) and the quick one (`npm run bench -- --quick`, under 3 minutes, for iteration). Sizes were
 * cut to fit those times; the README's Performance section says what each row used.
 */
import type { BackendName } from '../../src/engine/backend';
import type { TrainSettings } from '../../src/engine/training';

export const QUICK = process.env.BENCH_QUICK === '1';

/**
 * `BENCH_PARTS=throughput,scale` runs only those parts (throughput, threads, decode, hymenoptera, rps, sizes, scale,
 * scale-large, defaults); default all.
 */
const PARTS = process.env.BENCH_PARTS?.split(',').map((p) => p.trim()).filter(Boolean) ?? null;
export const runsPart = (name: string): boolean => PARTS === null || PARTS.includes(name);

export const BACKBONES = ['mobilenet_v2_1.0_224', 'mobilenet_v2_0.35_224', 'mobilenet_v1_0.25_224'] as const;
/** The peer's base: Teachable Machine trains on MobileNetV2 0.35. */
export const PEER_BACKBONE = 'mobilenet_v2_0.35_224';
export const BACKENDS: readonly BackendName[] = ['wasm', 'webgpu', 'webgl', 'cpu'];

/** Epochs of both trainers in the side-by-side runs (Teachable Machine's own default is 50). */
export const EPOCHS = QUICK ? 5 : 20;

/**
 * The studio's settings for the dataset runs: its defaults, except one centre crop per image (no augmented
 * views: Teachable Machine sees one crop per image too, and views multiply the embedding time) and a fixed
 * number of epochs without early stopping (so the held-out split is never used to choose the model, and
 * both trainers run the same epochs).
 */
export const RECIPE: Partial<TrainSettings> = { augmentViews: 0, earlyStopping: false, epochs: EPOCHS };

/** Stage 2 of the two-stage runs: the default top blocks at the default rate, 2 epochs (the default is 5: time). */
export const TWO_STAGE: Partial<TrainSettings> = { ...RECIPE, fineTune: true, fineTuneEpochs: QUICK ? 1 : 2 };

/** The datasets of `../shared/datasets` timed to accuracy; `perFolder` caps the images per folder (0: all). */
export const DATASETS: readonly { readonly name: string; readonly perFolder: number }[] = [
  { name: 'hymenoptera', perFolder: QUICK ? 10 : 0 },
  { name: 'rps', perFolder: QUICK ? 10 : 0 },
];

/** The backbones measured on `backend`: all three on WASM; on the slow backends, quick runs only the smallest. */
export function throughputBackbones(backend: BackendName): readonly string[] {
  if (backend === 'wasm') return BACKBONES;
  // Smallest first: on a slow backend it is the one that gives numbers in the time it has.
  return QUICK ? [BACKBONES[2]] : [...BACKBONES].reverse();
}

/**
 * Per backend and backbone: what a throughput worker may spend on measurements (ms), and the sizes it uses.
 * WASM gets everything; on the slow backends (software WebGPU and WebGL, plain JS CPU) the smallest backbone
 * gets a short budget for all measurements, and the two larger ones only a batch of one (the first call alone
 * can take most of their time: shader compilation).
 */
export function throughputPlan(backend: BackendName, backboneId: string) {
  const fast = backend === 'wasm';
  const smallest = backboneId === BACKBONES[2];
  const full = fast || smallest;
  const budgetMs = QUICK ? (fast ? 6_000 : 5_000) : fast ? 40_000 : smallest ? 8_000 : 2_000;
  return {
    request: {
      backend, backboneId, batchSizes: full ? [1, 16, 32] : [1], runs: QUICK ? 2 : fast ? 5 : 3, budgetMs,
      headRows: !full ? 0 : fast ? 1024 : 256, stage2Batch: fast ? 32 : 4, stage2Steps: !full ? 0 : fast ? 2 : 1,
    },
    /** The worker is ended this long after it started, whatever it is doing (starting the backend and loading the weights included). */
    deadlineMs: budgetMs + (QUICK ? 6_000 : full ? 10_000 : 6_000),
  };
}

/**
 * Input size: the default backbone fed 160, 192 and 224 px images (head-only, the recipe above) on one dataset;
 * what a smaller input saves in embedding time and costs in accuracy.
 */
export const SIZES = { dataset: 'hymenoptera', perFolder: QUICK ? 10 : 0, backboneId: BACKBONES[0], sizes: [160, 192, 224] } as const;

/**
 * WASM threads: the default backbone's features at batch 16 with 1 compute thread (the single-threaded build,
 * what the studio ran until now) and with the threaded build at 2 threads and at every logical core.
 */
export function threadsPlan(cores: number) {
  const counts = [...new Set([1, 2, cores])].filter((n) => n >= 1).sort((a, b) => a - b);
  const budgetMs = QUICK ? 6_000 : 20_000;
  return counts.map((wasmThreads) => ({
    request: {
      backend: 'wasm' as const, backboneId: BACKBONES[0], batchSizes: [16], runs: QUICK ? 2 : 4, budgetMs,
      headRows: 0, stage2Batch: 0, stage2Steps: 0, wasmThreads,
    },
    deadlineMs: budgetMs + 20_000,
  }));
}

/** Decode + augment: images per dataset and timed passes. */
export const DECODE = { images: QUICK ? 16 : 48, runs: QUICK ? 2 : 3, sizePx: 224 };

/**
 * Scale: generated datasets (10 classes of 96 px JPEGs, made in the page), ingested and trained head-only on
 * the fastest backbone, MobileNet v1 0.25 as a GraphModel (batch norm folded: twice the LayersModel's speed).
 */
export const SCALE = {
  sizes: QUICK ? [100, 250, 500] : [1_000, 5_000, 10_000],
  classes: 10,
  sizePx: 96,
  settings: { backboneId: 'mobilenet_v1_0.25_224_graph', augmentViews: 0, earlyStopping: false, epochs: QUICK ? 2 : 5 } satisfies Partial<TrainSettings>,
  /**
   * The `scale-large` part: 50,000 images of mixed sizes (each class holding every size), read, checked and
   * trained head-only in one tab with the settings above; its memory is the row to read (issue 23: 1 GB).
   */
  large: { images: QUICK ? 1_000 : 50_000, sizesPx: [64, 96, 128, 192] },
};

/**
 * Defaults from measurement (the `defaults` part): on each dataset, the studio's defaults exactly as a new
 * user trains with them, first as the studio computed until issue 18 (`before`: one WASM thread, a decode per
 * view, WASM's slow transposed matrix products) and then as it does now; then one setting changed at a time from the defaults. The generated set
 * (10,000 images, 10 classes) is too large for 2 views here: it is trained with 0 views, at the default head
 * batch and at a larger one (what the head costs at that size).
 */
export const DEFAULTS = {
  datasets: [
    {
      name: 'hymenoptera', perFolder: QUICK ? 10 : 0,
      variants: [{ augmentViews: 0 }, { augmentViews: 1 }, { augmentViews: 4 }, { inputSizePx: 160 }, { embedBatchSize: 32 }] satisfies Partial<TrainSettings>[],
    },
    {
      name: 'rps', perFolder: QUICK ? 10 : 0,
      variants: [{ augmentViews: 0 }, { augmentViews: 1 }, { inputSizePx: 160 }] satisfies Partial<TrainSettings>[],
    },
  ],
  before: { wasmThreads: 1, decodeEachView: true, plainMatMul: true },
  generated: {
    images: QUICK ? 300 : 10_000, classes: 10, sizePx: 96,
    variants: [{ augmentViews: 0 }, { augmentViews: 0, batchSize: 128 }] satisfies Partial<TrainSettings>[],
  },
} as const;

/**
 * What issue 22's parts buy (the `trust` part): on each dataset, the defaults with test-time augmentation (one
 * run gives the plain and the averaged accuracy of the same head), then with the settings search as well, then
 * with stage 2 fine-tuning as well; each run's calibration error before and after its temperature.
 */
export const TRUST = {
  datasets: [{ name: 'hymenoptera', perFolder: QUICK ? 10 : 0 }, { name: 'rps', perFolder: QUICK ? 10 : 0 }],
  variants: [
    { testTimeAugmentation: true },
    { testTimeAugmentation: true, searchSettings: true },
    { testTimeAugmentation: true, fineTune: true },
  ] satisfies Partial<TrainSettings>[],
} as const;
