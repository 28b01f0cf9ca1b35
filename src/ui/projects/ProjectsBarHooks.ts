import { useStore } from 'zustand';
import type { ProjectsState } from '../../state/projects';
import { projectsStore } from '../../state/projects';

/** Subscribes a component to one slice of the projects state. */
export function useProjects<T>(selector: (state: ProjectsState) => T): T {
  return useStore(projectsStore, selector);
}

/** The projects store's actions, stable across renders. */
export function projectActions(): ProjectsState {
  return projectsStore.getState();
}

/** `12:03:04` for an ISO time of today, else the date and time, in the reader's locale. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}
