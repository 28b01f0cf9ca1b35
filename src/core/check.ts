/**
 * Small shape checks for data read back from storage, a project file or an imported model: each returns the value typed,
 * or throws a `UserFacingError` that names where the problem is (`state.dataset.items[3].fileIndex`).
 */
import { UserFacingError } from './errors';

/** Thrown by the checks; `where` is the path of the bad value inside what was read. */
export class ShapeError extends UserFacingError {
  constructor(
    readonly where: string,
    problem: string,
  ) {
    super(`${where} ${problem}`);
  }
}

export type Rec = Readonly<Record<string, unknown>>;

/** Whether `value` is a plain JSON object (not null, not a list): the one test of that shape in the studio. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, where: string): Rec {
  if (!isRecord(value)) throw new ShapeError(where, 'is not an object');
  return value;
}

export function array(value: unknown, where: string, maxLength = 10_000_000): readonly unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(where, 'is not a list');
  if (value.length > maxLength) throw new ShapeError(where, `has ${value.length} entries (at most ${maxLength})`);
  return value;
}

export function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ShapeError(where, 'is not text');
  return value;
}

export function boolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ShapeError(where, 'is not true or false');
  return value;
}

/** A finite number (NaN and infinities too when `allowNonFinite`; JSON writes those as null). */
export function number(value: unknown, where: string, options: { allowNonFinite?: boolean } = {}): number {
  if (options.allowNonFinite && value === null) return NaN;
  if (typeof value !== 'number' || (!options.allowNonFinite && !Number.isFinite(value))) throw new ShapeError(where, 'is not a number');
  return value;
}

/** An integer in [min, max]. */
export function integer(value: unknown, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ShapeError(where, `is not a whole number in [${min}, ${max}]`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ShapeError(where, `is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function nullable<T>(value: unknown, check: (v: unknown) => T): T | null {
  return value === null || value === undefined ? null : check(value);
}

export function strings(value: unknown, where: string): string[] {
  return array(value, where).map((v, i) => string(v, `${where}[${i}]`));
}
