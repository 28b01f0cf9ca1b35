/**
 * Finds images by the names a label file gives them (`bulbasaur`, `images/bulbasaur.png`, `Female400/pic226`),
 * the way people write them: with or without the extension, with or without the folders above the file, in
 * the file's own case or not. Pure: works on paths only.
 */

/** The images (indices into the list given to `createNameLookup`) a name can mean; empty when none. */
export type NameLookup = (name: string) => readonly number[];

/** Splits a name or path into its non-empty segments (tolerating `\`, a leading `/` and `./`). */
/**
 * True for a listed folder rather than a file: a path ending in `/`. The drop and folder-picker readers list
 * each empty folder so (the folder input cannot see them), so that an empty class folder gets a note.
 */
export function isFolderEntry(path: string): boolean {
  return /[/\\]$/.test(path);
}

export function pathSegments(path: string): string[] {
  return path.split(/[/\\]/).filter((s) => s !== '' && s !== '.');
}

/** The path without the extension of its last segment (`a/b.png` -> `a/b`; `a/.png` is kept). */
function stripExtension(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') + 1 ? path.slice(0, dot) : path;
}

function addKey(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else if (list[list.length - 1] !== index) list.push(index);
}

/**
 * Indexes `paths` (as listed, `/`-separated, e.g. `pokemon-types/images/bulbasaur.png`) so that names can be
 * looked up. A name matches a path when its segments equal the path's last segments, the last one compared
 * with or without the extension. Tiers, first hit wins: exact case with extension, exact case without,
 * then both case-insensitively. Several hits mean the name is ambiguous; the caller decides (it must not guess).
 *
 * Leading segments of a name that name no folder of the listing (`/content/drive/images/x.png` written on
 * another machine) are dropped one by one when the full name finds nothing; a real folder is never dropped,
 * so `Female400/pic999` does not fall back to a `pic999` in another folder.
 */
export function createNameLookup(paths: readonly string[]): NameLookup {
  const exact = new Map<string, number[]>();
  const exactBare = new Map<string, number[]>();
  const anyCase = new Map<string, number[]>();
  const anyCaseBare = new Map<string, number[]>();
  const folders = new Set<string>();
  paths.forEach((path, index) => {
    const segments = pathSegments(path);
    for (const folder of segments.slice(0, -1)) folders.add(folder.toLowerCase());
    for (let start = 0; start < segments.length; start++) {
      const key = segments.slice(start).join('/');
      addKey(exact, key, index);
      addKey(exactBare, stripExtension(key), index);
      addKey(anyCase, key.toLowerCase(), index);
      addKey(anyCaseBare, stripExtension(key.toLowerCase()), index);
    }
  });
  const tiers: readonly [Map<string, number[]>, boolean][] = [
    [exact, false],
    [exactBare, false],
    [anyCase, true],
    [anyCaseBare, true],
  ];

  return (name: string) => {
    const segments = pathSegments(name.trim());
    const starts = segments.length === 0 ? [] : [0];
    for (let s = 0; s < segments.length - 1 && !folders.has((segments[s] ?? '').toLowerCase()); s++) {
      starts.push(s + 1);
    }
    for (const [map, lower] of tiers) {
      for (const start of starts) {
        const key = segments.slice(start).join('/');
        const hit = map.get(lower ? key.toLowerCase() : key);
        if (hit !== undefined) return hit;
      }
    }
    return [];
  };
}
