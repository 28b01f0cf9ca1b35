/** Types of `scripts/models.mjs` (plain JavaScript, so the TypeScript tests can import it). */

/** The backbone ids to copy: the folder names of `BACKBONES` in `src/engine/catalog.ts`. */
export declare const EXPECTED_MODEL_IDS: readonly string[];

/** The repository root (the script's folder's parent). */
export declare const REPO_ROOT: string;

/** What one `syncModels` call did. */
export interface SyncSummary {
  /** Absolute source folder that was asked for. */
  from: string;
  /** The same, or null when it does not exist. */
  source: string | null;
  /** Absolute destination folder (holds `index.json`). */
  to: string;
  /** Ids with a `model.json` in the destination after the sync. */
  available: string[];
  /** Ids without one. */
  missing: string[];
  /** Ids of which at least one file was copied. */
  copiedModels: string[];
  copiedFiles: number;
  copiedBytes: number;
  /** Files skipped because size and mtime already matched. */
  unchangedFiles: number;
}

/**
 * Copies each backbone `<from>/<id>/` with a `model.json` into `<to>/<id>/` and writes `<to>/index.json` =
 * `{ available, missing, source }`. Missing sources are reported, never thrown.
 */
export declare function syncModels(options: { from: string; to: string; ids?: readonly string[] }): SyncSummary;

/** Human-readable lines for a summary: what was done, and warnings for what is missing and how to fix it. */
export declare function describeSync(summary: SyncSummary, toLabel?: string): { info: string[]; warnings: string[] };
