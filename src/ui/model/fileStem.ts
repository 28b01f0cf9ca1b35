/** A file-name stem from a model name: `My ants & bees` -> `My-ants-bees`. */
export const fileStem = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
