import type { DatasetNoteCode } from '../../core/types';
import { isActive } from '../../state';
import { studioActions, useStudio } from '../shared/useStudio';

/** What a note's button does, by note code: merging case variants, or keeping them apart again. */
const ACTIONS: Partial<Record<DatasetNoteCode, { readonly label: string; readonly merge: boolean }>> = {
  'classes-differ-by-case': { label: 'Merge them', merge: true },
  'classes-merged-by-case': { label: 'Keep them apart', merge: false },
};

/** The one-click answer to a note, where it has one; nothing otherwise. */
export function NoteAction({ code }: { readonly code: DatasetNoteCode }) {
  const disabled = useStudio((s) => isActive(s.run.status) || s.ingestTask !== null);
  const action = ACTIONS[code];
  if (!action) return null;
  return (
    <button
      type="button"
      className="note-action"
      disabled={disabled}
      data-testid={`note-action-${code}`}
      onClick={() => studioActions().setIngestOptions({ mergeCaseVariants: action.merge })}
    >
      {action.label}
    </button>
  );
}
