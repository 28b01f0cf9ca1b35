import { describe, expect, it } from 'vitest';
import { MAP_PAD_PX, classColour, insidePolygon, nearestPoint, pointsInLasso, toScreen } from './mapGeometry';

describe('map geometry', () => {
  const points = Float32Array.from([0, 0, 1, 1, 0.5, 0.5, 0.25, 0.75]);
  const size = 224;

  it('places points inside the padding and finds the one under the pointer', () => {
    expect(toScreen(points, 0, size)).toEqual([MAP_PAD_PX, MAP_PAD_PX]);
    expect(toScreen(points, 1, size)).toEqual([size - MAP_PAD_PX, size - MAP_PAD_PX]);
    expect(nearestPoint(points, size, 113, 110, 8)).toBe(2);
    expect(nearestPoint(points, size, 60, 30, 8)).toBe(-1);
  });

  it('selects what a lasso encloses, by the even-odd rule', () => {
    const square = [[100, 100], [130, 100], [130, 130], [100, 130]] as const;
    expect(insidePolygon(square, 112, 112)).toBe(true);
    expect(insidePolygon(square, 140, 112)).toBe(false);
    expect(pointsInLasso(points, size, square)).toEqual([2]);
    // A lasso around the left half takes the points with x < 0.5.
    expect(pointsInLasso(points, size, [[0, 0], [100, 0], [100, size], [0, size]])).toEqual([0, 3]);
    expect(pointsInLasso(points, size, [[0, 0], [10, 10]])).toEqual([]);
  });

  it('gives each class a colour and removed images grey', () => {
    expect(new Set([0, 1, 2, 3, 4, 5].map(classColour)).size).toBe(6);
    expect(classColour(-1)).toBe('#9ca3af');
  });
});
