import { readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { differenceHash, hammingDistance, hash64Distance, parseHash64, sha256Hex } from './hash';

const HYMENOPTERA = path.resolve(import.meta.dirname, '../../../../shared/datasets/hymenoptera');

interface Rgb {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

function decodeJpeg(file: string): Rgb {
  const image = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: false });
  return { width: image.width, height: image.height, rgb: new Uint8Array(image.data) };
}

/** The centre square box-averaged to `size` x `size`, as a browser's smoothed canvas resize would give. */
function thumbnail(image: Rgb, size: number): Uint8Array {
  const side = Math.min(image.width, image.height);
  const sx = Math.floor((image.width - side) / 2);
  const sy = Math.floor((image.height - side) / 2);
  const edge = (k: number): number => Math.floor((k * side) / size);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let yy = sy + edge(y); yy < sy + edge(y + 1); yy++) {
          for (let xx = sx + edge(x); xx < sx + edge(x + 1); xx++) sum += image.rgb[(yy * image.width + xx) * 3 + c] ?? 0;
        }
        out[(y * size + x) * 3 + c] = Math.round(sum / ((edge(x + 1) - edge(x)) * (edge(y + 1) - edge(y))));
      }
    }
  }
  return out;
}

/** An RGB image whose grey value at (x, y) is `grey(x, y)`. */
function greyImage(width: number, height: number, grey: (x: number, y: number) => number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.fill(grey(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return rgb;
}

describe('sha256Hex', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('matches the FIPS 180-2 vectors for "abc" and the empty input', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(await sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(abc.buffer)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes only the range of a view, and copies a view of a SharedArrayBuffer', async () => {
    const buffer = new Uint8Array([120, 97, 98, 99, 121]);
    expect(await sha256Hex(buffer.subarray(1, 4))).toBe(await sha256Hex(new TextEncoder().encode('abc')));
    const shared = new Uint8Array(new SharedArrayBuffer(3));
    shared.set([97, 98, 99]);
    expect(await sha256Hex(shared)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('explains when crypto.subtle is missing', async () => {
    vi.stubGlobal('crypto', {});
    await expect(sha256Hex(new Uint8Array(1))).rejects.toThrow(/https or localhost/);
  });
});

describe('differenceHash', () => {
  it('sets a bit where a cell is brighter than its right neighbour, top-left bit first', () => {
    expect(differenceHash(greyImage(9, 8, (x) => 250 - 20 * x), 9, 8)).toBe('ffffffffffffffff');
    expect(differenceHash(greyImage(9, 8, (x) => 20 * x), 9, 8)).toBe('0000000000000000');
    expect(differenceHash(greyImage(9, 8, () => 77), 9, 8)).toBe('0000000000000000');
    expect(differenceHash(greyImage(9, 8, (x, y) => (x === 0 && y === 0 ? 200 : 0)), 9, 8)).toBe('8000000000000000');
    expect(differenceHash(greyImage(9, 8, (x, y) => (x === 7 && y === 7 ? 200 : 0)), 9, 8)).toBe('0000000000000001');
    expect(differenceHash(greyImage(9, 8, (x, y) => (x === 4 && y === 1 ? 200 : 0)), 9, 8)).toBe('0008000000000000');
  });

  it('weighs channels by BT.601 luma: green over red over blue', () => {
    // A 2 x 1 image stretched to 9 x 8: columns 0-3 are the left pixel, 5-8 the right, 4 their mean, so each
    // row's bits 3 and 4 (hex 18) are set exactly when the left pixel is brighter.
    const pair = (left: number[], right: number[]): string => differenceHash(new Uint8Array([...left, ...right]), 2, 1);
    expect(pair([0, 255, 0], [255, 0, 0])).toBe('1818181818181818');
    expect(pair([0, 0, 255], [255, 0, 0])).toBe('0000000000000000');
    expect(pair([255, 0, 0], [0, 0, 255])).toBe('1818181818181818');
  });

  it('area-averages any size: a 2x2 blow-up and a 27x24 blow-up hash like the 9x8 original', () => {
    const original = (x: number, y: number): number => (x * 37 + y * 91) % 256;
    const reference = differenceHash(greyImage(9, 8, original), 9, 8);
    expect(reference).toMatch(/^[0-9a-f]{16}$/);
    expect(differenceHash(greyImage(18, 16, (x, y) => original(x >> 1, y >> 1)), 18, 16)).toBe(reference);
    expect(differenceHash(greyImage(27, 24, (x, y) => original(Math.floor(x / 3), Math.floor(y / 3))), 27, 24)).toBe(reference);
    for (const [w, h] of [[1, 1], [5, 3], [37, 23], [64, 64]] as const) {
      expect(differenceHash(greyImage(w, h, (x, y) => (x * 7 + y * 13) % 256), w, h)).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('rejects bad sizes and short buffers', () => {
    expect(() => differenceHash(new Uint8Array(27), 0, 9)).toThrow(RangeError);
    expect(() => differenceHash(new Uint8Array(27), 3.5, 2)).toThrow(RangeError);
    expect(() => differenceHash(new Uint8Array(26), 3, 3)).toThrow(/needs 27 bytes/);
  });

  it('on a real photo: close to its re-scaled and brightened copies, far from another photo', () => {
    const ant = decodeJpeg(path.join(HYMENOPTERA, 'train/ants/0013035.jpg'));
    const bee = decodeJpeg(path.join(HYMENOPTERA, 'train/bees/1092977343_cb42b38d62.jpg'));
    const ant32 = thumbnail(ant, 32);
    const hash = differenceHash(ant32, 32, 32);
    const brightened = ant32.map((v) => Math.min(255, Math.round(v * 1.08)));
    const rescaled = differenceHash(thumbnail(ant, 64), 64, 64);
    const distances = {
      rescaled: hammingDistance(hash, rescaled),
      brightened: hammingDistance(hash, differenceHash(brightened, 32, 32)),
      otherPhoto: hammingDistance(hash, differenceHash(thumbnail(bee, 32), 32, 32)),
    };
    expect(distances.rescaled).toBeLessThanOrEqual(4);
    expect(distances.brightened).toBeLessThanOrEqual(4);
    expect(distances.otherPhoto).toBeGreaterThan(20);
  });
});

describe('hammingDistance and the parsed form', () => {
  it('counts differing bits of hex strings of one length, in either case', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('f0', '0f')).toBe(8);
    expect(hammingDistance('8000000000000001', '8000000000000000')).toBe(1);
    expect(hammingDistance('ABCDEF0123456789', 'abcdef0123456789')).toBe(0);
    expect(() => hammingDistance('00', '000')).toThrow(RangeError);
    expect(() => hammingDistance('0g', '00')).toThrow(RangeError);
  });

  it('parses 64-bit hashes whose distance agrees with hammingDistance', () => {
    const a = 'f0e1d2c3b4a59687';
    const b = '0123456789abcdef';
    expect(parseHash64(a)).toEqual({ hi: 0xf0e1d2c3, lo: 0xb4a59687 });
    expect(hash64Distance(parseHash64(a), parseHash64(b))).toBe(hammingDistance(a, b));
    expect(hash64Distance(parseHash64('ffffffffffffffff'), parseHash64('0000000000000000'))).toBe(64);
    expect(() => parseHash64('f0e1')).toThrow(RangeError);
    expect(() => parseHash64('f0e1d2c3b4a5968z')).toThrow(RangeError);
  });
});
