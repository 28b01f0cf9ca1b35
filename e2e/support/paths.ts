import path from 'node:path';

/** `../shared` beside the project: real datasets and weights, read-only. */
export const SHARED_DIR = path.resolve(import.meta.dirname, '../../../shared');
export const datasetPath = (name: string): string => path.join(SHARED_DIR, 'datasets', name);
