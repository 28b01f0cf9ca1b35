/**
 * Folder names that say which split their images belong to, the way downloads name them: `train`, `Training`,
 * `training_set`, `seg_train`, `trainimages`, `test-data`, `valid`, `dev`, `eval`, `holdout`, `train2017`.
 * Pure: works on names only.
 */
import type { SplitName } from '../../core/types';

/** What a split word stands for; `eval` is validation, or test beside a validation folder (see `resolveSplits`). */
export type SplitWord = SplitName | 'eval';

/** Split words (lower case, separators removed), longest first so that `training` is not read as `train`+`ing`. */
const WORDS: readonly (readonly [string, SplitWord])[] = [
  ['trainval', 'train'],
  ['training', 'train'],
  ['train', 'train'],
  ['validation', 'val'],
  ['validate', 'val'],
  ['valid', 'val'],
  ['val', 'val'],
  ['dev', 'val'],
  ['testing', 'test'],
  ['test', 'test'],
  ['holdout', 'test'],
  ['evaluation', 'eval'],
  ['eval', 'eval'],
];

/** Words around a split word that say nothing about the split: `_set`, `_data`, `images`, `seg_`, ... */
const DECORATIONS = 'set|sets|data|dataset|datasets|images|image|imgs|img|split|seg|files|pics|photos|samples|folder';

/** A whole name: decorations, one split word (maybe plural), decorations, then maybe a number (`train2017`). */
const SPLIT_NAME = new RegExp(`^(?:${DECORATIONS})*(${WORDS.map(([w]) => w).join('|')})s?(?:${DECORATIONS})*\\d*$`);

/**
 * The split word a folder name stands for, in any case and with any separators (`Training_Set` -> train,
 * `seg_test` -> test, `Eval` -> eval), or undefined for any other name (`cats`, `devices`, `train_cats`).
 */
export function splitWordOf(folder: string): SplitWord | undefined {
  const match = SPLIT_NAME.exec(folder.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const word = match?.[1];
  return word === undefined ? undefined : WORDS.find(([w]) => w === word)?.[1];
}

/** The split a folder name stands for when seen alone (`eval` is validation), or undefined. */
export function splitFromFolderName(folder: string): SplitName | undefined {
  const word = splitWordOf(folder);
  return word === 'eval' ? 'val' : word;
}

/**
 * The split of each named folder: its split word's, `eval`/`evaluation` being test when another folder is a
 * validation folder and validation otherwise. Folders with no split word are absent.
 */
export function resolveSplits(folders: readonly string[]): Map<string, SplitName> {
  const words = folders.map((folder) => [folder, splitWordOf(folder)] as const);
  const hasVal = words.some(([, word]) => word === 'val');
  const out = new Map<string, SplitName>();
  for (const [folder, word] of words) {
    if (word !== undefined) out.set(folder, word === 'eval' ? (hasVal ? 'test' : 'val') : word);
  }
  return out;
}
