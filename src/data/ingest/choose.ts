/**
 * The automatic reading of a listing: the folders as planned from their structure, or a label file beside
 * them. A label file that labels the images into two classes or more wins when the folders give fewer, when
 * the folders' classes are named like splits (`trainimages/`, `testimages/`), or when it labels at least as
 * many images as the folders and disagrees with them (folders that only organise, `images_001/`). When the
 * folders win, every label file gets a note, and a usable one that disagrees gets a reading warning. Pure.
 */
import type { DatasetNote } from '../../core/types';
import type { FolderPlan } from './folders';
import { agreement, bestLabelFile, judgeLabelFile, otherLabelFileNote, relativePath, type LabelVerdict } from './labelChoice';
import { labelFileName, type LabelFileInput } from './labels';
import { classCount, imageSegments, labelKindOf, readFolders, samePath, type Listing, type Reading } from './readings';
import { splitWordOf } from './splitWords';
import { planFolders } from './structure';

/** At most this many label files get a note of their own when the folders win; the rest share one. */
const MAX_NOTED_LABEL_FILES = 16;

/** Labels and folders that agree on at least this share of the images they both place raise no warning. */
export const MIN_AGREEMENT = 0.95;

/** The automatic reading, the folder reading it was chosen against, and each label file's verdict. */
export interface AutoReading {
  readonly reading: Reading;
  readonly folders: Reading;
  readonly verdicts: readonly LabelVerdict[];
  /** The segments of every image to use (`imageSegments`), walked once for every reading of the listing. */
  readonly images: readonly (readonly string[])[];
  /** The label file whose reading was used or offered (the best one), if any labels the images. */
  readonly best?: LabelVerdict;
}

/** The paths of the label files to say something about: those in the listing, then any given from elsewhere. */
function labelCandidates(inputs: readonly LabelFileInput[], found: readonly string[]): string[] {
  const paths = [...found];
  for (const input of inputs) if (!paths.some((path) => samePath(path, input.path))) paths.push(input.path);
  return paths;
}

/** A class-folder reading's class names that are named like splits (`trainimages`, `test_set`), sorted. */
export function splitLikeClassNames(reading: Reading): string[] {
  if (reading.layout !== 'class-folders') return [];
  return [...new Set(reading.placed.map((p) => p.className))].filter((c) => splitWordOf(c) !== undefined).sort();
}

/** The info note on a label file the folders made unnecessary, saying how to use it instead. */
function unusedLabelNote(listing: Listing, classes: number, path: string, verdict?: LabelVerdict): DatasetNote {
  const kind = labelKindOf(path) === 'list' ? 'list' : 'CSV';
  let how = `To label the images from it instead, choose the ${kind} layout.`;
  if (verdict?.error !== undefined) how = `It cannot label them either: ${verdict.error}`;
  else if (verdict?.template === true) how = `${verdict.problem ?? ''}.`;
  else if (verdict !== undefined) {
    const column = verdict.reading?.labelSource?.labelColumn;
    if (column !== undefined) how = `To label the images from its column "${column}" instead, choose the ${kind} layout.`;
  }
  const message = `${labelFileName(path)} was not used: the folders already give ${classes} classes. ${how}`;
  const code = verdict?.template === true ? 'label-file-template' : 'label-file-unused';
  return { level: 'info', code, message, files: [relativePath(listing, path)] };
}

/** The reading warning for a usable label file that disagrees with the folders used instead. */
function ignoredLabelWarning(listing: Listing, folders: Reading, best: LabelVerdict): DatasetNote | undefined {
  const labels = best.reading;
  if (labels === undefined) return undefined;
  const agreeing = agreement(folders, labels);
  if (agreeing !== null && agreeing >= MIN_AGREEMENT) return undefined;
  const file = labelFileName(best.input.path);
  const column = labels.labelSource?.labelColumn ?? '';
  const share = agreeing === null ? 'none of the same images' : `${Math.round(agreeing * 100)}% of the images both label`;
  const message =
    `${file} beside the images labels ${labels.placed.length} of them into ${classCount(labels)} classes ` +
    `(column "${column}") and agrees with the class folders on ${share}, but the folders were used. If ` +
    `${file} holds the real labels, choose it as the label file before training.`;
  return { level: 'warning', code: 'label-file-ignored', message, files: [relativePath(listing, best.input.path)] };
}

/** Why no label file could stand in for folders that give under two classes. */
function labelProblem(candidates: readonly string[], verdicts: readonly LabelVerdict[]): string | undefined {
  const [verdict] = verdicts;
  if (verdict === undefined) {
    const [first] = candidates;
    return first === undefined ? undefined : `${labelFileName(first)} may label them.`;
  }
  const file = labelFileName(verdict.input.path);
  if (verdict.error !== undefined) return `${file} cannot label them either: ${verdict.error}`;
  if (verdict.template && verdict.classes === 0) return `${verdict.problem ?? file}.`;
  return `${file} gives ${verdict.classes} class(es) only.`;
}

/**
 * Reads a listing automatically (see the file comment). `inputs` are the label files read by the caller;
 * `preferred`, when given, is the one the user chose: it wins over the others when it labels the images.
 */
export function readAuto(listing: Listing, inputs: readonly LabelFileInput[], found: readonly string[], preferred?: string): AutoReading {
  const images = imageSegments(listing);
  const plan: FolderPlan = planFolders(images);
  const folders = readFolders(listing, plan);
  const verdicts = inputs.map((input) => judgeLabelFile(listing, input, plan));
  const chosen = preferred === undefined ? undefined : verdicts.find((v) => samePath(v.input.path, preferred));
  const best = chosen?.reading !== undefined ? chosen : bestLabelFile(verdicts);
  const folderClasses = classCount(folders);
  const labels = best?.reading;
  const disagrees = (labels: Reading) =>
    labels.placed.length >= folders.placed.length && (agreement(folders, labels) ?? 0) < MIN_AGREEMENT;
  if (best !== undefined && labels !== undefined && (folderClasses < 2 || splitLikeClassNames(folders).length > 0 || disagrees(labels))) {
    const file = labelFileName(best.input.path);
    const others = verdicts.filter((v) => v !== best).map((v) => otherLabelFileNote(listing, v, file));
    return { reading: { ...labels, notes: [...labels.notes, ...others] }, folders, verdicts, images, best };
  }
  const candidates = labelCandidates(inputs, found);
  if (folderClasses < 2) {
    const ordered = chosen === undefined ? verdicts : [chosen, ...verdicts.filter((v) => v !== chosen)];
    const problem = labelProblem(candidates, ordered);
    return { reading: { ...folders, ...(problem !== undefined && { labelProblem: problem }) }, folders, verdicts, images, best };
  }
  const verdictOf = (path: string) => verdicts.find((v) => samePath(v.input.path, path));
  const noted = candidates.slice(0, MAX_NOTED_LABEL_FILES);
  const notes = noted.map((path) => unusedLabelNote(listing, folderClasses, path, verdictOf(path)));
  const more = candidates.slice(MAX_NOTED_LABEL_FILES);
  if (more.length > 0) {
    const message = `${more.length} more .csv, .tsv or .txt files were not used either: the folders already give ${folderClasses} classes.`;
    notes.push({ level: 'info', code: 'label-file-unused', message, files: more.map((path) => relativePath(listing, path)) });
  }
  const warning = best === undefined ? undefined : ignoredLabelWarning(listing, folders, best);
  return { reading: { ...folders, notes: warning ? [warning, ...notes] : notes }, folders, verdicts, images, best };
}
