import { createStudioStore } from './studioStore';

/** The page's one studio store. */
export const studioStore = createStudioStore();
