/** Front door of state/projects: projects saved in IndexedDB, project files, the browser storage. */
export type { ProjectsState } from './projectStore';
export { projectsStore } from './store';
