/**
 * What a save must write, found by comparing the studio's state with the state last saved, part by part and
 * by reference (the store replaces what changes): only the images appended since (captures) or all of them,
 * the thumbnails when the scan changed, the weights when the classifier changed. Pure (Node-tested).
 */
import type { PickedFile } from '../ingestFlow';
import type { SavedRun, StudioState } from '../studioStore';
import { runUnderWayOf } from './projectState';

/** The parts of the studio's state a project saves, with the project's name; compared by reference. */
export interface SaveRefs {
  readonly sources: StudioState['sources'];
  readonly scan: StudioState['scan'];
  readonly classifier: StudioState['classifier'];
  readonly run: SavedRun | null;
  readonly others: readonly unknown[];
}

/** The refs of `s`, keeping `run` (the last finished run) and the project's `name`. */
export function saveRefs(s: StudioState, run: SavedRun | null, name: { readonly name: string; readonly autoName: boolean } | null): SaveRefs {
  return {
    sources: s.sources, scan: s.scan, classifier: s.classifier, run,
    others: [
      s.labelTexts, s.ingestOptions, s.dropDuplicates, s.dataset, s.duplicates, s.ingestMs, s.settings, s.backendPreference,
      s.classifierNote, s.runs, name?.name, name?.autoName, runUnderWayOf(s.run),
    ],
  };
}

/** Whether nothing changed since `saved` (null: never saved). */
export function sameRefs(saved: SaveRefs | null, now: SaveRefs): boolean {
  return (
    saved !== null && saved.sources === now.sources && saved.scan === now.scan && saved.classifier === now.classifier &&
    saved.run === now.run && saved.others.length === now.others.length && saved.others.every((v, i) => v === now.others[i])
  );
}

/**
 * The images to write: undefined when the files are the ones saved; those from `from` on when files were
 * only appended (the earlier ones are the same objects, stored already); else all of them (`from` 0).
 */
export function filesToWrite(saved: readonly PickedFile[] | undefined, now: readonly PickedFile[]): { from: number; blobs: Blob[] } | undefined {
  if (saved === now) return undefined;
  const appended = saved !== undefined && saved.length <= now.length && saved.every((s, i) => now[i] === s);
  const from = appended ? saved.length : 0;
  return { from, blobs: now.slice(from).map((s) => s.file) };
}
