import { useEffect, useMemo, useRef } from 'react';
import { createRng } from '../core/rng';
import { sampleAugmentParams, viewSeed } from '../data/augment';
import type { AugmentParams } from '../data/augment';
import { sampleItems } from '../data/sample';
import { studioActions, useStudio } from './useStudio';

const IMAGES = 3;
const SIZE_PX = 112;

/** One view drawn on a canvas: decoded in the worker pool exactly as training will decode it. */
function ViewCanvas({ fileIndex, params, label }: { fileIndex: number; params: AugmentParams | null; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let live = true;
    void studioActions()
      .decodeView(fileIndex, SIZE_PX, params)
      .then((rgb) => {
        const context = canvas.current?.getContext('2d');
        if (!live || !context) return;
        const image = context.createImageData(SIZE_PX, SIZE_PX);
        for (let p = 0; p < SIZE_PX * SIZE_PX; p++) {
          image.data.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
          image.data[p * 4 + 3] = 255;
        }
        context.putImageData(image, 0, 0);
        canvas.current?.setAttribute('data-drawn', 'true');
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [fileIndex, params]);
  return (
    <figure className="thumb">
      <canvas ref={canvas} width={SIZE_PX} height={SIZE_PX} data-testid="augment-view" aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/**
 * A few training images, each as the centre crop and as the augmented views training will cache (the same
 * seeded views: view v of image i is drawn from the run's seed, i and v), so the options can be judged by eye.
 */
export function AugmentPreview() {
  const dataset = useStudio((s) => s.dataset);
  const augment = useStudio((s) => s.settings.augment);
  const views = useStudio((s) => s.settings.augmentViews);
  const seed = useStudio((s) => s.settings.seed);
  const rows = useMemo(() => {
    if (!dataset) return [];
    return sampleItems(dataset.items, 'train', IMAGES).map((item) => ({
      item,
      params: Array.from({ length: Math.min(views, 4) }, (_, v) => sampleAugmentParams(augment, createRng(viewSeed(seed, item.fileIndex, v + 1)))),
    }));
  }, [dataset, augment, views, seed]);
  if (rows.length === 0) return null;
  return (
    <div className="augment-preview" data-testid="augment-preview">
      <h3>What training sees: centre crop, then {Math.min(views, 4)} augmented view(s) per image</h3>
      {rows.map(({ item, params }) => (
        <div className="gallery" key={item.path}>
          <ViewCanvas fileIndex={item.fileIndex} params={null} label={`${item.path} (centre)`} />
          {params.map((p, v) => (
            <ViewCanvas key={v} fileIndex={item.fileIndex} params={p} label={`view ${v + 1}`} />
          ))}
        </div>
      ))}
    </div>
  );
}
