/** Front door of data/inspect: what is worth telling the user about a dataset: checks, duplicates, a sample. */
export { dropWithinClassDuplicates, findDuplicates, summariseDuplicates } from './duplicates';
export type { DuplicateGroup, DuplicateReport, HashedItem } from './duplicates';
export { sampleItems } from './sample';
