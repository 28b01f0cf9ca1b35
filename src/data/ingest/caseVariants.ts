/**
 * Class names that differ only by letter case (`Cat/` and `cat/`): on most file systems of the people who made
 * the folder they were one folder, so they are most likely one class. Found, and on request merged. Pure.
 */

/** The form two names share when they differ only by case (Unicode normalised, lower case). */
export function caseKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** The groups of names (in the order given) that differ only by case, each of two names or more. */
export function caseVariantGroups(names: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = caseKey(name);
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

/** Each name mapped to the first name of `names` (in the order given) that differs from it only by case. */
export function caseCanonical(names: readonly string[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const name of names) if (!first.has(caseKey(name))) first.set(caseKey(name), name);
  return new Map(names.map((name) => [name, first.get(caseKey(name)) ?? name]));
}
