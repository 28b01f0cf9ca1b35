import { studioStore } from '../store';
import { createProjectsStore } from './projectStore';

/** The page's one projects store, saving the page's studio store. */
export const projectsStore = createProjectsStore(studioStore);
