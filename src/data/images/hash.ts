/**
 * Content hashes of images: an exact one (SHA-256 of the file's bytes) and a perceptual one (a 64-bit
 * difference hash of the decoded pixels) that survives re-encoding, resizing and small brightness changes.
 * Pure functions: they run in Workers, pages and Node alike.
 */

/** Output grid of the difference hash: 9 columns give 8 left/right comparisons on each of 8 rows. */
const DHASH_COLUMNS = 9;
const DHASH_ROWS = 8;

/** ITU-R BT.601 luma weights, scaled by 1000 so that grey levels stay integers (sums compare exactly). */
const LUMA_R = 299;
const LUMA_G = 587;
const LUMA_B = 114;

const HEX_PATTERN = /^[0-9a-f]*$/;

/**
 * SHA-256 of `bytes` as 64 lowercase hex characters, via `globalThis.crypto.subtle` (Workers, pages in a
 * secure context such as `localhost` or https, Node 20).
 *
 * @param bytes the file's bytes; a view is hashed over its own range only, not its whole buffer.
 * @throws Error when this environment has no `crypto.subtle` (a page served over plain http elsewhere than
 *   localhost).
 */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('this environment cannot compute SHA-256 (crypto.subtle needs https or localhost)');
  const digest = await subtle.digest('SHA-256', toDigestInput(bytes));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** `subtle.digest` takes views of plain ArrayBuffers only; a view of a SharedArrayBuffer is copied. */
function toDigestInput(bytes: ArrayBuffer | Uint8Array): ArrayBuffer | Uint8Array<ArrayBuffer> {
  if (bytes instanceof ArrayBuffer) return bytes;
  if (bytes.buffer instanceof ArrayBuffer) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.slice();
}

/**
 * For each of `outputCount` equal boxes along a side of `inputCount` pixels, the pixels the box overlaps and
 * by how much. Coordinates are scaled by `outputCount` so that every overlap is an integer and every box's
 * weights sum to exactly `inputCount` (works when shrinking and when enlarging).
 */
function boxWeights(inputCount: number, outputCount: number): { index: number; weight: number }[][] {
  const boxes: { index: number; weight: number }[][] = [];
  for (let out = 0; out < outputCount; out++) {
    const start = out * inputCount;
    const end = start + inputCount;
    const box: { index: number; weight: number }[] = [];
    for (let index = Math.floor(start / outputCount); index * outputCount < end; index++) {
      const weight = Math.min(end, (index + 1) * outputCount) - Math.max(start, index * outputCount);
      if (weight > 0) box.push({ index, weight });
    }
    boxes.push(box);
  }
  return boxes;
}

/**
 * Area-averages an RGB image down (or up) to a `DHASH_COLUMNS` x `DHASH_ROWS` grid of grey levels. Values
 * are sums with integer weights, all with the same total weight, so they compare exactly: a flat image gives
 * equal cells rather than rounding noise.
 */
function greyGrid(rgb: Uint8Array, width: number, height: number): Float64Array {
  const columns = boxWeights(width, DHASH_COLUMNS);
  const rows = boxWeights(height, DHASH_ROWS);
  // First collapse each source row to DHASH_COLUMNS values, then combine source rows into output rows.
  const rowSums = new Float64Array(height * DHASH_COLUMNS);
  const grey = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      grey[x] = LUMA_R * (rgb[p] ?? 0) + LUMA_G * (rgb[p + 1] ?? 0) + LUMA_B * (rgb[p + 2] ?? 0);
    }
    columns.forEach((box, c) => {
      let sum = 0;
      for (const { index, weight } of box) sum += weight * (grey[index] ?? 0);
      rowSums[y * DHASH_COLUMNS + c] = sum;
    });
  }
  const grid = new Float64Array(DHASH_ROWS * DHASH_COLUMNS);
  rows.forEach((box, r) => {
    for (let c = 0; c < DHASH_COLUMNS; c++) {
      let sum = 0;
      for (const { index, weight } of box) sum += weight * (rowSums[index * DHASH_COLUMNS + c] ?? 0);
      grid[r * DHASH_COLUMNS + c] = sum;
    }
  });
  return grid;
}

/**
 * A 64-bit perceptual difference hash (dHash) of an RGB image of any size: the image is turned grey (ITU-R
 * BT.601 luma), area-averaged to 9 x 8, and each bit says whether a cell is brighter than its right-hand
 * neighbour. Re-encoded, resized or slightly brightened copies of a photo get hashes a few bits apart;
 * different photos are usually 20 or more bits apart.
 *
 * @param rgb interleaved RGB bytes, row-major, at least `width * height * 3` long (e.g. a 32x32 thumbnail).
 * @returns 16 lowercase hex characters; bit `8 * row + column` (row 0 at the top) is the most significant
 *   first, so the first hex digit holds the first four comparisons of the top row.
 * @throws RangeError when a side is not a positive integer or `rgb` is too short.
 */
export function differenceHash(rgb: Uint8Array, width: number, height: number): string {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`differenceHash: image size must be positive integers, got ${width}x${height}`);
  }
  if (rgb.length < width * height * 3) {
    throw new RangeError(`differenceHash: ${width}x${height} RGB needs ${width * height * 3} bytes, got ${rgb.length}`);
  }
  const grid = greyGrid(rgb, width, height);
  let hex = '';
  for (let r = 0; r < DHASH_ROWS; r++) {
    for (let half = 0; half < 2; half++) {
      let nibble = 0;
      for (let k = 0; k < 4; k++) {
        const cell = r * DHASH_COLUMNS + half * 4 + k;
        nibble = (nibble << 1) | ((grid[cell] ?? 0) > (grid[cell + 1] ?? 0) ? 1 : 0);
      }
      hex += nibble.toString(16);
    }
  }
  return hex;
}

/** Set bits of each value 0-15. */
const NIBBLE_BITS = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/**
 * How many bits differ between two hex hashes of the same length (for `differenceHash`: 0-64).
 * @throws RangeError when the lengths differ or a string is not lowercase/uppercase hex.
 */
export function hammingDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  if (left.length !== right.length || !HEX_PATTERN.test(left) || !HEX_PATTERN.test(right)) {
    throw new RangeError(`hammingDistance: need two hex strings of one length, got "${a}" and "${b}"`);
  }
  let distance = 0;
  for (let i = 0; i < left.length; i++) {
    distance += NIBBLE_BITS[parseInt(left[i] ?? '0', 16) ^ parseInt(right[i] ?? '0', 16)] ?? 0;
  }
  return distance;
}

/** A 64-bit difference hash as two unsigned 32-bit halves (`hi`: the first 8 hex digits), for XOR and popcount. */
export interface Hash64 {
  readonly hi: number;
  readonly lo: number;
}

/**
 * Parses a `differenceHash` string (16 hex characters, either case) into its two halves.
 * @throws RangeError when `hex` is not 16 hex characters.
 */
export function parseHash64(hex: string): Hash64 {
  if (hex.length !== 16 || !HEX_PATTERN.test(hex.toLowerCase())) {
    throw new RangeError(`expected a 64-bit hash of 16 hex characters, got "${hex}"`);
  }
  return { hi: parseInt(hex.slice(0, 8), 16) >>> 0, lo: parseInt(hex.slice(8), 16) >>> 0 };
}

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** How many of the 64 bits differ between two parsed hashes (0-64); the same as `hammingDistance` of their hex. */
export function hash64Distance(x: Hash64, y: Hash64): number {
  return popcount32((x.hi ^ y.hi) >>> 0) + popcount32((x.lo ^ y.lo) >>> 0);
}
