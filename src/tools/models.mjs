#!/usr/bin/env node
/**
 * `npm run models`: copies the pretrained backbones from `../shared/models/<id>/` (or `$FTS_MODELS_DIR`)
 * into `public/models/<id>/`, so the studio loads them from its own origin, and writes
 * `public/models/index.json` saying which are there. Plain Node ESM, no dependencies.
 *
 * Missing weights never fail the build (exit 0): the studio falls back to the public URLs when online.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The backbone ids to copy: the folder names of `BACKBONES` in `src/engine/catalog.ts`. */
export const EXPECTED_MODEL_IDS = Object.freeze([
  'mobilenet_v2_1.0_224',
  'mobilenet_v2_0.35_224',
  'mobilenet_v1_0.25_224',
  'mobilenet_v1_0.25_224_graph',
]);

/** The repository root (this script's folder's parent). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const MODEL_FILE = 'model.json';

/**
 * True when `dest` already holds the same bytes as `srcStat` says, judged by size and mtime (within 1 ms,
 * because copies get their mtime set through `utimes`, which may round).
 * @param {fs.Stats} srcStat
 * @param {string} dest
 */
function isUpToDate(srcStat, dest) {
  let destStat;
  try {
    destStat = fs.statSync(dest);
  } catch {
    return false;
  }
  return destStat.isFile() && destStat.size === srcStat.size && Math.abs(destStat.mtimeMs - srcStat.mtimeMs) < 1;
}

/**
 * Lists the files under `dir`, relative to it, with `model.json` last so that a copy cut short never
 * looks complete.
 * @param {string} dir
 * @returns {string[]}
 */
function listFiles(dir) {
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  return [...files.filter((f) => f !== MODEL_FILE), ...files.filter((f) => f === MODEL_FILE)];
}

/**
 * Copies one backbone folder, skipping files already identical in size and mtime.
 * @param {string} fromDir
 * @param {string} toDir
 * @returns {{ copiedFiles: number, copiedBytes: number, unchangedFiles: number }}
 */
function copyModel(fromDir, toDir) {
  const result = { copiedFiles: 0, copiedBytes: 0, unchangedFiles: 0 };
  for (const file of listFiles(fromDir)) {
    const src = path.join(fromDir, file);
    const dest = path.join(toDir, file);
    const srcStat = fs.statSync(src);
    if (isUpToDate(srcStat, dest)) {
      result.unchangedFiles++;
      continue;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(src, dest);
    fs.utimesSync(dest, srcStat.atime, srcStat.mtime);
    result.copiedFiles++;
    result.copiedBytes += srcStat.size;
  }
  return result;
}

/**
 * @typedef {object} SyncSummary
 * @property {string} from absolute source folder that was asked for
 * @property {string | null} source the same, or null when it does not exist
 * @property {string} to absolute destination folder (holds `index.json`)
 * @property {string[]} available ids with a `model.json` in the destination after the sync
 * @property {string[]} missing ids without one
 * @property {string[]} copiedModels ids of which at least one file was copied
 * @property {number} copiedFiles
 * @property {number} copiedBytes
 * @property {number} unchangedFiles files skipped because size and mtime already matched
 */

/**
 * Copies each backbone `<from>/<id>/` that has a `model.json` into `<to>/<id>/` and writes
 * `<to>/index.json` = `{ available, missing, source }`. A missing source folder or model is reported in the
 * summary, never thrown; I/O errors while copying are thrown.
 * @param {{ from: string, to: string, ids?: readonly string[] }} options
 * @returns {SyncSummary}
 */
export function syncModels({ from, to, ids = EXPECTED_MODEL_IDS }) {
  const fromAbs = path.resolve(from);
  const toAbs = path.resolve(to);
  const source = fs.existsSync(fromAbs) && fs.statSync(fromAbs).isDirectory() ? fromAbs : null;
  /** @type {SyncSummary} */
  const summary = {
    from: fromAbs,
    source,
    to: toAbs,
    available: [],
    missing: [],
    copiedModels: [],
    copiedFiles: 0,
    copiedBytes: 0,
    unchangedFiles: 0,
  };
  fs.mkdirSync(toAbs, { recursive: true });
  for (const id of ids) {
    const fromDir = source === null ? null : path.join(source, id);
    if (fromDir !== null && fs.existsSync(path.join(fromDir, MODEL_FILE))) {
      const copied = copyModel(fromDir, path.join(toAbs, id));
      summary.copiedFiles += copied.copiedFiles;
      summary.copiedBytes += copied.copiedBytes;
      summary.unchangedFiles += copied.unchangedFiles;
      if (copied.copiedFiles > 0) summary.copiedModels.push(id);
    }
    // An earlier copy still counts when the source is gone.
    (fs.existsSync(path.join(toAbs, id, MODEL_FILE)) ? summary.available : summary.missing).push(id);
  }
  const index = { available: summary.available, missing: summary.missing, source };
  fs.writeFileSync(path.join(toAbs, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return summary;
}

/**
 * Human-readable lines for a summary: what was done, and (as warnings) what is missing and how to fix it.
 * @param {SyncSummary} summary
 * @param {string} [toLabel] how to name the destination, e.g. `public/models`
 * @returns {{ info: string[], warnings: string[] }}
 */
export function describeSync(summary, toLabel = summary.to) {
  const megabytes = (summary.copiedBytes / 1e6).toFixed(1);
  const from = summary.source ?? `${summary.from} (not found)`;
  const info = [];
  if (summary.copiedModels.length > 0) {
    info.push(
      `models: copied ${summary.copiedModels.length} backbone(s) from ${from} into ${toLabel} (${megabytes} MB, ` +
        `${summary.copiedFiles} file(s); ${summary.unchangedFiles} unchanged)`,
    );
  } else if (summary.available.length > 0) {
    const state = summary.source === null ? 'kept from an earlier copy' : 'already up to date';
    info.push(`models: ${summary.available.length} backbone(s) ${state} in ${toLabel} (source: ${from})`);
  }
  const warnings = [];
  if (summary.missing.length > 0) {
    warnings.push(
      `models: WARNING: ${summary.missing.length} backbone(s) missing from ${toLabel}: ${summary.missing.join(', ')} ` +
        `(looked in ${from}).`,
      'models: put the weights in ../shared/models (or point FTS_MODELS_DIR at a folder of <id>/model.json), ' +
        'or the studio will try the public URLs when online.',
    );
  }
  return { info, warnings };
}

function main() {
  const from = process.env.FTS_MODELS_DIR || path.resolve(REPO_ROOT, '..', 'shared', 'models');
  const to = path.join(REPO_ROOT, 'public', 'models');
  const summary = syncModels({ from, to });
  const { info, warnings } = describeSync(summary, path.relative(REPO_ROOT, to) || to);
  for (const line of info) console.log(line);
  for (const line of warnings) console.warn(line);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    // Copy errors (permissions, a full disk) are real problems, unlike missing weights.
    console.error(`models: failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
