/**
 * One tab owns a project at a time: the tab that has it open holds the project's Web Lock (`navigator.locks`),
 * and only the owner saves it. Another tab that opens the same project learns that it is held, says so and
 * saves nothing until the person takes it over there; the tab it is taken from is told and stops saving.
 * Where a browser has no Web Locks every tab may save, and the revisions of `db.ts` keep a stale tab from
 * writing over a newer save.
 */

/** The project locks of this tab. */
export interface ProjectLocks {
  /**
   * Holds project `id` for this tab, letting go of the one held before. Resolves true when this tab holds it,
   * false when another tab does (with `takeOver`, it is taken from that tab, which is told). `onLost` is called
   * when another tab takes it over later.
   */
  hold(id: string, options: { readonly takeOver: boolean; readonly onLost: () => void }): Promise<boolean>;
  /** Lets go of the project held, if any. */
  release(): void;
}

/** The lock's name for project `id` (shared by every tab of the origin). */
export const projectLockName = (id: string): string => `fine-tune-studio:project:${id}`;

/** The locks of `locks` (the browser's by default); without Web Locks, every hold succeeds. */
export function projectLocks(locks: LockManager | undefined = globalThis.navigator?.locks): ProjectLocks {
  let current: { readonly id: string; readonly letGo: () => void } | null = null;
  const release = (): void => {
    current?.letGo();
    current = null;
  };
  if (!locks) return { hold: () => Promise.resolve(true), release };
  return {
    hold(id, { takeOver, onLost }) {
      if (current?.id === id && !takeOver) return Promise.resolve(true);
      release();
      return new Promise<boolean>((resolve) => {
        let letGo: () => void = () => undefined;
        const held = new Promise<void>((done) => {
          letGo = done;
        });
        locks
          .request(projectLockName(id), takeOver ? { steal: true } : { ifAvailable: true }, async (lock) => {
            if (!lock) return resolve(false);
            current = { id, letGo };
            resolve(true);
            // Held until released here, or taken over by another tab.
            await held;
          })
          .catch((error: unknown) => {
            // Another tab took it over (`steal`): the request ends with an AbortError.
            if (current?.letGo === letGo) current = null;
            resolve(false);
            if (error instanceof DOMException && error.name === 'AbortError') onLost();
          });
      });
    },
    release,
  };
}
