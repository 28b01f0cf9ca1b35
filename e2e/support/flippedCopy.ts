import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng } from '../../src/core/rng';
import { datasetPath } from './paths';

/** An image put in the wrong class folder on purpose: its path as the studio lists it, and its true class. */
export interface FlippedImage {
  readonly path: string;
  readonly trueClass: string;
}

/**
 * A copy of `dataset` (split folders holding class folders) in a temporary folder, with `share` of its images
 * (drawn by `seed`) moved to the next class's folder of the same split: labels made wrong on purpose, as a
 * hurried person would. Only image files are copied. `remove()` deletes it.
 */
export function flippedCopy(dataset: string, share: number, seed: number): { folder: string; flipped: FlippedImage[]; images: number; remove(): void } {
  const tempDir = mkdtempSync(path.join(tmpdir(), `studio-flipped-${dataset}-`));
  const folder = path.join(tempDir, dataset);
  const source = datasetPath(dataset);
  const all: { split: string; cls: string; name: string }[] = [];
  const splits = readdirSync(source, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const split of splits) {
    for (const cls of readdirSync(path.join(source, split)).sort()) {
      for (const name of readdirSync(path.join(source, split, cls)).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort()) all.push({ split, cls, name });
    }
  }
  const rng = createRng(seed);
  const chosen = new Set(rng.shuffle(all.map((_, i) => i)).slice(0, Math.round(all.length * share)));
  const flipped: FlippedImage[] = [];
  all.forEach(({ split, cls, name }, i) => {
    const classes = readdirSync(path.join(source, split)).sort();
    const next = classes[(classes.indexOf(cls) + 1) % classes.length] ?? cls;
    // A name already in the other folder stays where it is (nothing is overwritten).
    const to = chosen.has(i) && !existsSync(path.join(source, split, next, name)) ? next : cls;
    mkdirSync(path.join(folder, split, to), { recursive: true });
    copyFileSync(path.join(source, split, cls, name), path.join(folder, split, to, name));
    if (to !== cls) flipped.push({ path: `${split}/${to}/${name}`, trueClass: cls });
  });
  return { folder, flipped, images: all.length, remove: () => rmSync(tempDir, { recursive: true, force: true }) };
}
