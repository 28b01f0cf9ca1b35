import { useEffect, useRef, useState } from 'react';
import { decodeImageToRgb } from '../../data/images';
import { sampleItems } from '../../data/inspect';
import type { InputScaling } from '../../engine/backbones';
import { scalingPreview } from '../../engine/backbones';
import { useStudio } from '../shared/useStudio';

/** Largest side the preview is drawn at (the model's own size when smaller). */
const MAX_PREVIEW_PX = 160;

const fmt = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2));

/**
 * One training image as the model will see it: made square with the run's photo shape (drawn at the model's
 * input size, at most 160 px), scaled with `scaling`, and mapped back to 0-255 over the scaling's range for
 * display (so ImageNet mean/std shows its colour shift); below it, the values the model gets per channel.
 */
export function CustomBackbonePreview({ scaling, sizePx }: { readonly scaling: InputScaling; readonly sizePx: number }) {
  const dataset = useStudio((s) => s.dataset);
  const files = useStudio((s) => s.files);
  const fit = useStudio((s) => s.settings.photoFit);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [ranges, setRanges] = useState<string | null>(null);
  const item = dataset ? sampleItems(dataset.items, 'train', 1)[0] : undefined;
  const file = item ? files[item.fileIndex] : undefined;
  const side = Math.min(sizePx, MAX_PREVIEW_PX);

  useEffect(() => {
    if (!file) return;
    let live = true;
    canvas.current?.removeAttribute('data-drawn');
    void decodeImageToRgb(file, { sizePx: side, fit })
      .then((rgb) => {
        const context = canvas.current?.getContext('2d');
        if (!live || !context) return;
        const rgba = new Uint8ClampedArray(side * side * 4);
        for (let p = 0; p < side * side; p++) {
          rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
          rgba[p * 4 + 3] = 255;
        }
        const preview = scalingPreview(rgba, scaling);
        const image = context.createImageData(side, side);
        image.data.set(preview.pixels);
        context.putImageData(image, 0, 0);
        canvas.current?.setAttribute('data-drawn', scaling);
        setRanges(['R', 'G', 'B'].map((c, i) => `${c} ${fmt(preview.min[i] ?? 0)} to ${fmt(preview.max[i] ?? 0)}`).join(', '));
      })
      .catch(() => setRanges(null));
    return () => {
      live = false;
    };
  }, [file, scaling, side, fit]);

  if (!file) return <p className="muted">Add your images (step 1) to see one as the model will see it.</p>;
  return (
    <div className="scaling-preview">
      <figure className="thumb">
        <canvas ref={canvas} width={side} height={side} data-testid="scaling-preview" aria-label="What the model sees" />
        <figcaption>What the model sees (shown back in 0-255)</figcaption>
      </figure>
      {ranges ? (
        <p className="muted" data-testid="scaling-range">
          Values the model gets: {ranges}
        </p>
      ) : null}
    </div>
  );
}
