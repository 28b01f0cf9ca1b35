/**
 * An image pool for the state tests: every file is a 64x64 textured image whose hashes are taken in this process (hex,
 * as the scan checks), without decoding; decoding requests fail. `scanned` lists the files scanned, in order.
 */
import { createHash } from 'node:crypto';
import type { ImagePool } from '../../data/images';

/** The pool; `thumbnailOf` makes each file's thumbnail from its SHA-256 (default: an empty Blob). */
export function hashingPool(thumbnailOf: (sha256: string) => Blob = () => new Blob([])): { pool: ImagePool; scanned: Blob[] } {
  const scanned: Blob[] = [];
  const pool: ImagePool = {
    size: 1,
    decode: () => Promise.reject(new Error('no decoding in this test')),
    decodeViews: () => Promise.reject(new Error('no decoding in this test')),
    async scan(blob) {
      scanned.push(blob);
      const sha256 = createHash('sha256').update(new Uint8Array(await blob.arrayBuffer())).digest('hex');
      return { ok: true, width: 64, height: 64, sha256, dhash: sha256.slice(0, 16), spread: 40, thumbnail: thumbnailOf(sha256) };
    },
    work: () => ({ photosDecoded: 0, viewsDrawn: 0, decodeMs: 0, drawMs: 0 }),
    dispose: () => undefined,
  };
  return { pool, scanned };
}
