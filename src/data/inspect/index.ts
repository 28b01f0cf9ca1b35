/** Front door of data/inspect: what is worth telling the user about a dataset: checks, duplicates, a sample. */
export { dropWithinClassDuplicates, findDuplicates, summariseDuplicates } from './duplicates';
export type { DuplicateGroup, DuplicateReport, HashedItem } from './duplicates';
export { sampleItems } from './sample';
export { BLANK_SPREAD, MIN_IMAGE_SIDE_PX, looksNotes } from './looks';
export type { ImageLooks } from './looks';
