/**
 * Sizes for people, in one of two unit systems said at each call: `decimal` (powers of 1000: kB, MB, GB, as
 * browsers show storage and downloads) or `binary` (powers of 1024: KiB, MiB, GiB, as memory is counted).
 * The one byte formatter of the studio.
 */

/** Which powers the units are: 1000 (`kB`, `MB`…) or 1024 (`KiB`, `MiB`…). */
export type ByteUnits = 'decimal' | 'binary';

const UNIT_NAMES: Record<ByteUnits, { base: number; names: readonly string[] }> = {
  decimal: { base: 1000, names: ['B', 'kB', 'MB', 'GB', 'TB'] },
  binary: { base: 1024, names: ['B', 'KiB', 'MiB', 'GiB', 'TiB'] },
};

/**
 * `bytes` in the largest unit of `units` it reaches: whole bytes below one kB/KiB, then one decimal below 10 of a
 * unit and none above (`512 B`, `1.5 GiB`, `340 MiB`, `2.3 MB`). `digits` fixes the decimals instead.
 */
export function formatBytes(bytes: number, units: ByteUnits, digits?: number): string {
  const { base, names } = UNIT_NAMES[units];
  if (bytes < base) return `${Math.round(bytes)} B`;
  let value = bytes / base;
  let unit = 1;
  while (value >= base && unit < names.length - 1) {
    value /= base;
    unit++;
  }
  return `${value.toFixed(digits ?? (value < 10 ? 1 : 0))} ${names[unit]}`;
}

/** `bytes` as a number of one named decimal unit, without the unit: `bytesIn(2_500_000, 'MB')` is 2.5. */
export function bytesIn(bytes: number, unit: 'kB' | 'MB' | 'GB'): number {
  return bytes / { kB: 1e3, MB: 1e6, GB: 1e9 }[unit];
}
