import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from '../testing/blobs';
import { projectFeatures } from './projection';

describe('projectFeatures', () => {
  const blobs = gaussianBlobs({ perClass: 60, seed: 3, dim: 12, classes: 3 });
  // Shifted off the origin so that cosine distance sees the blobs as apart.
  const values = Float32Array.from(blobs.x.flatMap((row) => row.map((v) => v + 1)));

  it('keeps the classes apart in 2-D, inside [0, 1], the same for the same seed', () => {
    const progress: number[] = [];
    const xy = projectFeatures(values, 12, { seed: 7, onProgress: (done, total) => progress.push(done / total) });
    expect(xy).toHaveLength(360);
    expect(Math.min(...xy)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xy)).toBeLessThanOrEqual(1);
    expect(progress.at(-1)).toBe(1);
    // Each point's nearest neighbour on the map is of its own class for nearly all points.
    let same = 0;
    for (let i = 0; i < 180; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < 180; j++) {
        const d = (xy[2 * i]! - xy[2 * j]!) ** 2 + (xy[2 * i + 1]! - xy[2 * j + 1]!) ** 2;
        if (j !== i && d < bestD) [best, bestD] = [j, d];
      }
      if (blobs.y[best] === blobs.y[i]) same++;
    }
    expect(same / 180).toBeGreaterThan(0.9);
    expect(projectFeatures(values, 12, { seed: 7 })).toEqual(xy);
  });

  it('places one or two points without UMAP, and stops when cancelled', () => {
    expect(Array.from(projectFeatures(values.subarray(0, 12), 12, { seed: 1 }))).toEqual([0.5, 0.5]);
    expect(projectFeatures(values.subarray(0, 24), 12, { seed: 1 })).toHaveLength(4);
    const controller = new AbortController();
    controller.abort();
    expect(() => projectFeatures(values, 12, { seed: 1, signal: controller.signal })).toThrow(/Cancel/i);
  });
});
