/**
 * Features kept across runs. A run embeds each image view once; a later run on the same files with the same
 * backbone, input size, photo fit and view (a new learning rate, dropout, epochs, a relabelled image) takes
 * those rows as they are instead of decoding and embedding them again. Keys name all of that, so a change to
 * any of them misses. The page holds the rows between runs (`PageFeatureMemo`, bounded); each run's worker
 * gets the rows of its backbone and hands back the ones it computed.
 */
import type { DatasetItem } from '../../core/types';
import type { AugmentParams } from '../../data/images';

/** What a run reads and writes: features of one image view by key. */
export interface FeatureMemo {
  /** The key of one view of `item`'s file (null: the file cannot be keyed; nothing is kept). */
  key(item: DatasetItem, sizePx: number, params: AugmentParams | null): string | null;
  get(key: string): Float32Array | undefined;
  put(key: string, features: Float32Array): void;
}

/** A file's identity as far as the page can tell without reading it: its name, size and modification time, and where in the dataset it sits. */
export function fileKeyOf(file: Blob | undefined, path: string): string | null {
  if (!file) return null;
  const f = file as Partial<File>;
  return `${path}|${file.size}|${f.lastModified ?? ''}|${f.name ?? ''}`;
}

/**
 * The start of every key of a backbone's rows (the extraction adds the backbone's source URL): what the page
 * hands a run of that backbone.
 */
export const memoPrefix = (backboneId: string): string => `${backboneId}@`;

/** A full key: the backbone (id and source) and the run's memo key (photo fit, input size, file, view). */
export const backboneKey = (backboneId: string, sourceUrl: string, key: string): string => `${memoPrefix(backboneId)}${sourceUrl}|${key}`;

/**
 * A run's memo over rows handed in by the page: reads them, collects the new ones for `added`. `scope` is
 * what else decides the pixels (the photo fit).
 */
export function runMemo(
  scope: string, rows: ReadonlyMap<string, Float32Array>, fileKey: (item: DatasetItem) => string | null,
): FeatureMemo & { readonly added: Map<string, Float32Array> } {
  const added = new Map<string, Float32Array>();
  return {
    key: (item, sizePx, params) => {
      const file = fileKey(item);
      return file === null ? null : `${scope}|${sizePx}|${file}|${params ? JSON.stringify(params) : 'plain'}`;
    },
    get: (key) => rows.get(key) ?? added.get(key),
    put: (key, features) => {
      if (!rows.has(key)) added.set(key, features);
    },
    added,
  };
}

/** The page's rows, oldest dropped first past `capBytes`. */
export class PageFeatureMemo {
  private readonly rows = new Map<string, Float32Array>();
  private bytes = 0;

  constructor(private readonly capBytes: number) {}

  /** The rows of the scopes a run may use (keys starting with `prefix`). */
  rowsFor(prefix: string): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [key, value] of this.rows) if (key.startsWith(prefix)) out.set(key, value);
    return out;
  }

  add(rows: Iterable<readonly [string, Float32Array]>): void {
    for (const [key, value] of rows) {
      const old = this.rows.get(key);
      if (old) this.bytes -= old.byteLength;
      this.rows.delete(key);
      this.rows.set(key, value);
      this.bytes += value.byteLength;
    }
    for (const [key, value] of this.rows) {
      if (this.bytes <= this.capBytes) break;
      this.rows.delete(key);
      this.bytes -= value.byteLength;
    }
  }

  get size(): number {
    return this.rows.size;
  }

  get byteLength(): number {
    return this.bytes;
  }
}
