/** Front door of data/ingest: a chosen or dropped folder (or zip) read into a labelled dataset: layouts, label files, splits. */
export { caseKey } from './caseVariants';
export { isSystemName } from './folders';
export { buildDataset, findLabelFiles, splitFromFolderName, splitWordOf } from './ingest';
export { readListing } from './readings';
export { imageSkipReason } from './skip';
export { assignValidation } from './split';
export { readZip, zipEntryPath } from './zip';
