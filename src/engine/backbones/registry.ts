/**
 * Finding a backbone by id: the catalog's entries and the user's own models registered in this page or worker
 * (the one mutable list of backbones), and an entry at another input size.
 */
import { UserFacingError } from '../../core/errors';
import { ALL_BACKBONES, CUSTOM_ID_PREFIX } from './catalog';
import type { BackboneEntry } from './catalogTypes';

/**
 * Backbones the user brought in this page or worker (see `registerUserBackbone`): the catalog proper is
 * fixed, but a person's own model must be found by id like any other once it is chosen.
 */
const userBackbones = new Map<string, BackboneEntry>();

/**
 * Makes a `custom` entry known to `getBackboneEntry` (replacing one with the same id). Throws for any other
 * kind or an id without `CUSTOM_ID_PREFIX`.
 */
export function registerUserBackbone(entry: BackboneEntry): void {
  if (entry.kind !== 'custom' || !entry.id.startsWith(CUSTOM_ID_PREFIX)) {
    throw new Error(`only custom backbones (ids starting "${CUSTOM_ID_PREFIX}") can be registered, not "${entry.id}"`);
  }
  userBackbones.set(entry.id, entry);
}

/** A catalog entry or a registered custom one; undefined when there is none (a custom id after a reload). */
export function findBackboneEntry(id: string): BackboneEntry | undefined {
  return ALL_BACKBONES.find((b) => b.id === id) ?? userBackbones.get(id);
}

/** Looks up a catalog entry, or a registered custom one; throws with the known ids when there is none. */
export function getBackboneEntry(id: string): BackboneEntry {
  const entry = findBackboneEntry(id);
  if (!entry) {
    const custom = id.startsWith(CUSTOM_ID_PREFIX) ? ' (a model of your own must be chosen again after the page reloads)' : '';
    throw new Error(`Unknown backbone "${id}"${custom}; known: ${[...ALL_BACKBONES, ...userBackbones.values()].map((b) => b.id).join(', ')}`);
  }
  return entry;
}

/**
 * `entry` fed `sizePx` x `sizePx` images: `entry` itself for null or its own size, else a copy with that
 * `inputSizePx`. Throws a `UserFacingError` naming the sizes it takes when it cannot be fed that size.
 */
export function entryAtSize(entry: BackboneEntry, sizePx: number | null): BackboneEntry {
  if (sizePx === null || sizePx === entry.inputSizePx) return entry;
  if (!entry.inputSizes?.includes(sizePx)) {
    const sizes = entry.inputSizes ?? [entry.inputSizePx];
    throw new UserFacingError(`${entry.label} takes ${sizes.join(', ')} px images, not ${sizePx} px: pick one of those input sizes.`);
  }
  return { ...entry, inputSizePx: sizePx };
}
