import { useCallback } from 'react';
import type { HeatmapAnswer } from '../../engine/predict';

/** The overlay's colour where the heat is 1, and its opacity there; cold parts are dimmed with black at `COLD_ALPHA`. */
const HEAT_RGB = [220, 38, 38] as const;
const HOT_ALPHA = 0.75;
const COLD_ALPHA = 0.35;

/** The cell with the most heat (the first of equals), and its probability drop. */
export function hottestCell(answer: HeatmapAnswer): { cell: number; drop: number } {
  let cell = 0;
  answer.drops.forEach((d, i) => {
    if (d > (answer.drops[cell] ?? -Infinity)) cell = i;
  });
  return { cell, drop: answer.drops[cell] ?? 0 };
}

const percent = (p: number): string => `${(p * 100).toFixed(0)}%`;
const VERTICAL = ['top', 'middle', 'bottom'];
const HORIZONTAL = ['left', 'centre', 'right'];

/** Where a cell of the grid lies, in words: "top left", "middle centre"... */
function whereIs(cell: number, grid: number): string {
  const third = (i: number): number => Math.min(2, Math.floor((i * 3) / grid));
  return `${VERTICAL[third(Math.floor(cell / grid))] ?? ''} ${HORIZONTAL[third(cell % grid)] ?? ''}`;
}

/** What the heatmap says, in a sentence: the caption, and the canvas's accessible name. */
export function heatmapCaption(answer: HeatmapAnswer): string {
  const { cell, drop } = hottestCell(answer);
  const lowest = Math.max(0, answer.baseProbability - drop);
  const cost = `${(answer.ms / 1000).toFixed(2)} s`;
  if (drop <= 0) return `No part of the photo, covered, lowers the model's confidence in ${answer.label} (${percent(answer.baseProbability)}); ${cost}.`;
  return (
    `Red: where covering the photo lowers the model's confidence in ${answer.label} most ` +
    `(${percent(answer.baseProbability)}, down to ${percent(lowest)} with the ${whereIs(cell, answer.grid)} covered); ${cost}.`
  );
}

/** Paints the image the classifier saw, then the heat over it, smoothed between cell centres. */
function paint(canvas: HTMLCanvasElement, answer: HeatmapAnswer): void {
  const { sizePx, grid, heat, image } = answer;
  canvas.width = sizePx;
  canvas.height = sizePx;
  const context = canvas.getContext('2d');
  if (!context) return;
  const photo = context.createImageData(sizePx, sizePx);
  for (let p = 0; p < sizePx * sizePx; p++) {
    photo.data[p * 4] = image[p * 3] ?? 0;
    photo.data[p * 4 + 1] = image[p * 3 + 1] ?? 0;
    photo.data[p * 4 + 2] = image[p * 3 + 2] ?? 0;
    photo.data[p * 4 + 3] = 255;
  }
  context.putImageData(photo, 0, 0);
  const cells = new OffscreenCanvas(grid, grid);
  const cellContext = cells.getContext('2d');
  if (!cellContext) return;
  const layer = cellContext.createImageData(grid, grid);
  // From dimmed (black, faint) where covering changes nothing to red where it lowers the confidence most.
  heat.forEach((h, i) => {
    layer.data.set([HEAT_RGB[0] * h, HEAT_RGB[1] * h, HEAT_RGB[2] * h, 255 * (COLD_ALPHA + (HOT_ALPHA - COLD_ALPHA) * h)].map(Math.round), i * 4);
  });
  cellContext.putImageData(layer, 0, 0);
  // Bilinear: each cell's colour is exact at its centre and blends into its neighbours between them.
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'low';
  context.drawImage(cells, 0, 0, sizePx, sizePx);
}

/**
 * An occlusion heatmap drawn over the image the classifier saw (its own square input, so the cells line up
 * whatever the photo's fit): red where covering that part lowers the confidence in the class most. The
 * data attributes carry the worker's numbers (grid, hottest cell, its drop) for tests and tools.
 */
export function HeatmapCanvas({ answer, className }: { answer: HeatmapAnswer; className?: string }) {
  const draw = useCallback((canvas: HTMLCanvasElement | null) => {
    if (canvas) paint(canvas, answer);
  }, [answer]);
  const { cell, drop } = hottestCell(answer);
  return (
    <canvas
      ref={draw}
      className={className ?? 'heatmap'}
      role="img"
      aria-label={`Heatmap for ${answer.label}. ${heatmapCaption(answer)}`}
      data-testid="heatmap"
      data-grid={answer.grid}
      data-hottest-cell={cell}
      data-hottest-drop={drop.toFixed(4)}
      data-heat-sum={answer.heat.reduce((a, b) => a + b, 0).toFixed(4)}
      data-base-probability={answer.baseProbability.toFixed(4)}
      data-ms={answer.ms.toFixed(0)}
    />
  );
}
