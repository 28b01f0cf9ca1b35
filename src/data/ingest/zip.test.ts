import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CancelledError, UserFacingError } from '../../core/errors';
import { findDirectoryEnd, readZip, zipEntryPath } from './zip';

const HYMENOPTERA = fileURLToPath(new URL('../../../../shared/datasets/hymenoptera/', import.meta.url));
const IMAGES = [
  'train/ants/0013035.jpg',
  'train/ants/1030023514_aad5c608f9.jpg',
  'train/bees/1092977343_cb42b38d62.jpg',
  'train/bees/1093831624_fb5fbe2308.jpg',
  'val/ants/10308379_1b6c72e180.jpg',
  'val/bees/1032546534_06907fe3b3.jpg',
];
const bytesOf = (path: string): Uint8Array => new Uint8Array(readFileSync(HYMENOPTERA + path));

/** A zip as real archivers make them: folders, images (two stored, the rest deflated) and macOS leftovers. */
function buildArchive(): Uint8Array {
  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 | 1 }]> = {
    'train/': new Uint8Array(0),
    'train/ants/': new Uint8Array(0),
  };
  IMAGES.forEach((path, i) => {
    files[path] = [bytesOf(path), { level: i < 2 ? 0 : 1 }];
  });
  files['__MACOSX/train/ants/._0013035.jpg'] = strToU8('resource fork');
  files['train/.DS_Store'] = strToU8('finder');
  files['notes.txt'] = strToU8('kept: not every kept file is an image');
  return zipSync(files);
}

/**
 * A Blob of `bytes` in 64 KiB parts: Node streams a Blob part by part, as a browser streams a file from
 * disk, so a multi-part Blob shows whether the archive is read chunk by chunk.
 */
function blobOf(bytes: Uint8Array, partSize = 65_536): Blob {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0; at < bytes.length; at += partSize) parts.push(bytes.slice(at, at + partSize));
  return new Blob(parts);
}

describe('readZip', () => {
  it('reads every kept file back byte for byte, in archive order, skipping folders and system files', async () => {
    const entries = await readZip(blobOf(buildArchive()));
    expect(entries.map((e) => e.path)).toEqual([...IMAGES, 'notes.txt']);
    for (const entry of entries.slice(0, IMAGES.length)) {
      const read = Buffer.from(await entry.blob.arrayBuffer());
      // Buffer.equals: vitest's element-by-element toEqual takes seconds on 100 kB arrays.
      expect(read.length).toBe(bytesOf(entry.path).length);
      expect(read.equals(bytesOf(entry.path))).toBe(true);
    }
    expect(await entries[IMAGES.length]?.blob.text()).toBe('kept: not every kept file is an image');
  });

  it('streams the archive, reporting progress chunk by chunk up to its size', async () => {
    const blob = blobOf(buildArchive());
    const progress: [number, number][] = [];
    await readZip(blob, { onProgress: (read, total) => progress.push([read, total]) });
    expect(blob.size).toBeGreaterThan(200_000);
    expect(progress.length).toBe(Math.ceil(blob.size / 65_536));
    expect(progress.every(([, total]) => total === blob.size)).toBe(true);
    expect(progress.every(([read], i) => i === 0 || read > (progress[i - 1]?.[0] ?? 0))).toBe(true);
    expect(progress.at(-1)?.[0]).toBe(blob.size);
  });

  it('reads an empty archive as no files', async () => {
    expect(await readZip(blobOf(zipSync({})))).toEqual([]);
  });

  it('rejects a truncated archive, naming the file', async () => {
    const bytes = buildArchive();
    const cut = new File([blobOf(bytes.subarray(0, bytes.length >> 1))], 'photos.zip');
    await expect(readZip(cut)).rejects.toThrow(UserFacingError);
    await expect(readZip(cut)).rejects.toThrow(/"photos\.zip" is incomplete/);
  });

  it('rejects an archive whose middle is missing even though its end record survived', async () => {
    const bytes = buildArchive();
    const spliced = new Uint8Array([...bytes.subarray(0, 300_000), ...bytes.subarray(bytes.length - 22)]);
    await expect(readZip(blobOf(spliced))).rejects.toThrow(/is incomplete/);
  });

  it('rejects damaged compressed data', async () => {
    const bytes = zipSync({ 'a.txt': strToU8('abc'.repeat(1000)) });
    const damaged = bytes.slice();
    // The deflate stream starts after the 30-byte local header and the name; block type 3 does not exist.
    damaged[30 + 'a.txt'.length] = 0x07;
    await expect(readZip(blobOf(damaged))).rejects.toThrow(/is damaged: "a\.txt" could not be unpacked \(invalid block type/);
  });

  it('rejects a compression method it cannot unpack', async () => {
    const bytes = zipSync({ 'a.txt': strToU8('abc'.repeat(1000)) });
    const lzma = bytes.slice();
    lzma[8] = 14; // compression method field of the local header
    await expect(readZip(blobOf(lzma))).rejects.toThrow(/compression method this studio cannot unpack \(method 14/);
  });

  it('rejects a file that is not a zip archive', async () => {
    const jpeg = new File([bytesOf(IMAGES[0] ?? '') as Uint8Array<ArrayBuffer>], 'photo.zip');
    await expect(readZip(jpeg)).rejects.toThrow(/"photo\.zip" is not a zip archive/);
    await expect(readZip(new Blob([]))).rejects.toThrow(/not a zip archive/);
  });

  it('stops when the signal aborts, before or while reading', async () => {
    const blob = blobOf(buildArchive());
    await expect(readZip(blob, { signal: AbortSignal.abort() })).rejects.toThrow(CancelledError);
    const controller = new AbortController();
    let calls = 0;
    const reading = readZip(blob, {
      signal: controller.signal,
      onProgress: () => {
        calls += 1;
        controller.abort();
      },
    });
    await expect(reading).rejects.toThrow(CancelledError);
    expect(calls).toBe(1);
  });
});

describe('zipEntryPath', () => {
  it('keeps files with /-separated paths and skips folders, macOS leftovers, dotfiles and climbing names', () => {
    expect(zipEntryPath('train/ants/a.jpg')).toBe('train/ants/a.jpg');
    expect(zipEntryPath('train\\bees\\b.jpg')).toBe('train/bees/b.jpg');
    expect(zipEntryPath('/abs/./c.png')).toBe('abs/c.png');
    expect(zipEntryPath('train/')).toBeUndefined();
    expect(zipEntryPath('train\\')).toBeUndefined();
    expect(zipEntryPath('__MACOSX/train/._a.jpg')).toBeUndefined();
    expect(zipEntryPath('data/__MACOSX/a.jpg')).toBeUndefined();
    expect(zipEntryPath('train/.DS_Store')).toBeUndefined();
    expect(zipEntryPath('.git/config')).toBeUndefined();
    expect(zipEntryPath('../evil.jpg')).toBeUndefined();
    expect(zipEntryPath('')).toBeUndefined();
  });
});

describe('findDirectoryEnd', () => {
  it('finds the entry count, with or without a trailing comment, and nothing in other bytes', () => {
    const bytes = zipSync({ 'a.txt': strToU8('a'), 'b/': new Uint8Array(0) });
    expect(findDirectoryEnd(bytes)).toEqual({ entries: 2 });
    const withComment = new Uint8Array([...bytes, ...strToU8('a comment')]);
    new DataView(withComment.buffer).setUint16(bytes.length - 2, 9, true);
    expect(findDirectoryEnd(withComment)).toEqual({ entries: 2 });
    const zip64 = bytes.slice();
    new DataView(zip64.buffer).setUint16(bytes.length - 12, 0xffff, true);
    expect(findDirectoryEnd(zip64)).toEqual({ entries: undefined });
    expect(findDirectoryEnd(bytesOf(IMAGES[0] ?? ''))).toBeNull();
    expect(findDirectoryEnd(new Uint8Array(10))).toBeNull();
  });
});
