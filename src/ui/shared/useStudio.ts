import { useStore } from 'zustand';
import { studioStore } from '../../state';
import type { StudioState } from '../../state';

/** Subscribes a component to one slice of the studio state; it re-renders only when that slice changes. */
export function useStudio<T>(selector: (state: StudioState) => T): T {
  return useStore(studioStore, selector);
}

/** The store's actions, stable across renders. */
export function studioActions(): StudioState {
  return studioStore.getState();
}
