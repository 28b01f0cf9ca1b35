import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { datasetPath } from './paths';

/**
 * A small copy of hymenoptera in a temporary folder `hymenoptera-small/`: the first `perClass[split]` photos
 * (sorted by name) of ants and bees in `train/` and `val/`. `remove()` deletes it.
 */
export function hymenopteraSubset(perClass: { readonly train: number; readonly val: number }, prefix: string): { folder: string; remove(): void } {
  const tempDir = mkdtempSync(path.join(tmpdir(), prefix));
  const folder = path.join(tempDir, 'hymenoptera-small');
  for (const split of ['train', 'val'] as const) {
    for (const cls of ['ants', 'bees']) {
      const from = datasetPath(`hymenoptera/${split}/${cls}`);
      mkdirSync(path.join(folder, split, cls), { recursive: true });
      for (const name of readdirSync(from).filter((n) => n.endsWith('.jpg')).sort().slice(0, perClass[split])) {
        copyFileSync(path.join(from, name), path.join(folder, split, cls, name));
      }
    }
  }
  return { folder, remove: () => rmSync(tempDir, { recursive: true, force: true }) };
}
