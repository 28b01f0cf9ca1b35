import { describe, expect, it } from 'vitest';
import { addParityBatch, NO_PARITY, scaledBatch } from './parity';

const image = (v: number): Uint8Array => Uint8Array.of(v, v, v);

describe('parity figures', () => {
  it('counts agreement, the largest difference and both accuracies; unreadable images only in done', async () => {
    // Studio: class 0 unless the pixel is over 100; the file: the same, but probabilities shifted by 0.01, and wrong at 150.
    const studio = (images: readonly Uint8Array[]) => images.map((im) => ((im[0] as number) > 100 ? [0.2, 0.8] : [0.9, 0.1]));
    const file = (images: readonly Uint8Array[]) => images.map((im) => ((im[0] as number) === 150 ? [0.6, 0.4] : (im[0] as number) > 100 ? [0.21, 0.79] : [0.9, 0.1]));
    let figures = { ...NO_PARITY, total: 5 };
    figures = await addParityBatch(figures, [image(10), image(200), null], [0, 1, 1], studio, file);
    expect(figures).toMatchObject({ done: 3, agreeing: 2, fileCorrect: 2, studioCorrect: 2, labelled: 2, unreadable: 1 });
    expect(figures.maxDifference).toBeCloseTo(0.01, 6);
    figures = await addParityBatch(figures, [image(150), image(50)], [1, -1], studio, file);
    expect(figures).toMatchObject({ done: 5, total: 5, agreeing: 3, fileCorrect: 2, studioCorrect: 3, labelled: 3, unreadable: 1 });
    expect(figures.maxDifference).toBeCloseTo(0.4, 6);
  });

  it('rejects a file that gives another number of classes', async () => {
    await expect(addParityBatch(NO_PARITY, [image(1)], [0], () => [[0.5, 0.5]], () => [[1]])).rejects.toThrow(/gives 1 probabilities, the studio 2/);
  });

  it('feeds pixels as p / 127 - 1', () => {
    expect(Array.from(scaledBatch([Uint8Array.of(0, 127, 254)]))).toEqual([-1, 0, 1]);
  });
});
