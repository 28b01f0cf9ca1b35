/**
 * The browser's storage for this site: how much the studio uses, whether it is kept under storage pressure
 * (persistent), and the message for a save that did not fit.
 */
import { errorMessage } from '../../core/errors';

/** What `navigator.storage` says; nulls where the browser does not say. */
export interface StorageInfo {
  readonly usageBytes: number | null;
  readonly quotaBytes: number | null;
  /** True when the browser will not evict the studio's data without asking. */
  readonly persisted: boolean | null;
}

export const UNKNOWN_STORAGE: StorageInfo = { usageBytes: null, quotaBytes: null, persisted: null };

/** Reads usage, quota and persistence (never throws). */
export async function readStorage(): Promise<StorageInfo> {
  const storage = globalThis.navigator?.storage;
  if (!storage) return UNKNOWN_STORAGE;
  const [estimate, persisted] = await Promise.all([
    storage.estimate ? storage.estimate().catch(() => null) : null,
    storage.persisted ? storage.persisted().catch(() => null) : null,
  ]);
  return { usageBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null, persisted };
}

/** Asks the browser to keep the studio's data (it may ask the person, or decide by itself); resolves with the answer. */
export async function askPersistence(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return false;
  return storage.persist().catch(() => false);
}

/** Whether `error` says the storage quota is full. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || code === 22;
}

/** What to tell the person when saving `what` failed; the last saved version is always intact (one transaction). */
export function saveFailureMessage(what: string, error: unknown): string {
  if (isQuotaError(error)) {
    return (
      `Could not save ${what}: the browser's storage for this site is full (quota exceeded). Nothing was written; ` +
      'the last saved version is kept, and what you see here stays until you leave. Free space (delete projects you ' +
      'no longer need, or export this one) and the studio saves again at the next change.'
    );
  }
  return `Could not save ${what}: ${errorMessage(error)}. The last saved version is kept.`;
}
