import { useEffect, useMemo, useRef } from 'react';
import { createRng } from '../../core/rng';
import { sampleAugmentParams, viewSeed } from '../../data/images';
import type { AugmentParams } from '../../data/images';
import type { PhotoFit } from '../../data/images';
import { sampleItems } from '../../data/inspect';
import { studioActions, useStudio } from '../shared/useStudio';
import { Gallery } from '../shared/Gallery';

const IMAGES = 3;
const SIZE_PX = 112;

/** How each fit is named in the preview's captions. */
const FIT_NAMES: Readonly<Record<PhotoFit, string>> = { crop: 'centre crop', letterbox: 'letterboxed', squash: 'squashed' };

interface ViewCanvasProps {
  readonly fileIndex: number;
  readonly params: AugmentParams | null;
  readonly fit: PhotoFit;
  readonly label: string;
}

/** One view drawn on a canvas, decoded in the image worker pool as the training worker decodes it: the same fit and view. */
function ViewCanvas({ fileIndex, params, fit, label }: ViewCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let live = true;
    canvas.current?.removeAttribute('data-drawn');
    void studioActions()
      .decodeView(fileIndex, SIZE_PX, params, fit)
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
        canvas.current?.setAttribute('data-fit', fit);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [fileIndex, params, fit]);
  return (
    <figure className="thumb">
      <canvas ref={canvas} width={SIZE_PX} height={SIZE_PX} data-testid="augment-view" aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/**
 * A few training images, each made square by the chosen photo shape and then as the augmented views training
 * will cache (the same seeded views: view v of image i is drawn from the run's seed, i and v, and cropped
 * within the fitted square), so the options can be judged by eye.
 */
export function AugmentPreview() {
  const dataset = useStudio((s) => s.dataset);
  const augment = useStudio((s) => s.settings.augment);
  const views = useStudio((s) => s.settings.augmentViews);
  const seed = useStudio((s) => s.settings.seed);
  const fit = useStudio((s) => s.settings.photoFit);
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
      <h3>
        What training sees: each photo {FIT_NAMES[fit]}, then {Math.min(views, 4)} augmented view(s) per image
      </h3>
      {rows.map(({ item, params }) => (
        <Gallery key={item.path} label={`Views of ${item.path}`}>
          <ViewCanvas fileIndex={item.fileIndex} params={null} fit={fit} label={`${item.path} (${FIT_NAMES[fit]})`} />
          {params.map((p, v) => (
            <ViewCanvas key={v} fileIndex={item.fileIndex} params={p} fit={fit} label={`view ${v + 1}`} />
          ))}
        </Gallery>
      ))}
    </div>
  );
}
