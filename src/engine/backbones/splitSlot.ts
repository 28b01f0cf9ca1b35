/**
 * The one live split a backbone allows (`Backbone.split`): refusing a second split while one is live,
 * refusing a disposed split's methods, and disposing a live split before the backbone's model. Shared by the
 * loaded backbones (`modelBackbone.ts`) and the from-scratch CNN (`scratchCnn.ts`).
 */
import type { BackboneSplit } from './backbone';

/** A split without its `dispose`, which the slot adds. */
export type SplitBody = Omit<BackboneSplit, 'dispose'>;

/** What `SplitSlot.open` makes a split of: its body, and what its `dispose` frees (once). */
export interface SplitParts {
  readonly body: SplitBody;
  release(): void;
}

/** Holds the live split of one backbone, if any. */
export interface SplitSlot {
  /**
   * Throws while a split is live; else builds one from `make` (given `assertLive`, which throws once the split
   * is disposed) and holds it. The split's `dispose` runs the parts' `release` once, then frees the slot.
   */
  open(make: (assertLive: () => void) => SplitParts): BackboneSplit;
  /** Disposes a live split, then `model`: a GraphModel's split holds weights outside the model's own map. */
  dispose(): void;
}

/**
 * A slot for the backbone of entry `entryId` over `model`. `nameBlocks`: the refusal of a second split names
 * how many blocks the live one has (a backbone with one possible split leaves that out).
 */
export function createSplitSlot(entryId: string, model: { dispose(): void }, nameBlocks: boolean): SplitSlot {
  let active: BackboneSplit | null = null;
  return {
    open(make) {
      if (active) {
        const detail = nameBlocks ? ` (${active.blocks} blocks)` : '';
        throw new Error(`split: dispose the current split of "${entryId}"${detail} first`);
      }
      let disposed = false;
      const assertLive = (): void => {
        if (disposed) throw new Error(`this split of "${entryId}" has been disposed`);
      };
      const { body, release } = make(assertLive);
      const split: BackboneSplit = {
        ...body,
        dispose() {
          if (disposed) return;
          disposed = true;
          release();
          active = null;
        },
      };
      active = split;
      return split;
    },
    dispose() {
      active?.dispose();
      model.dispose();
    },
  };
}
