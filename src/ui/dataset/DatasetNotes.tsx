import type { DatasetNote } from '../../core/types';
import { NoteAction } from './NoteAction';

/** Longest list of files or names shown under one note; the rest are counted. */
export const MAX_LISTED = 500;

/**
 * What the studio noticed about the dataset: warnings first, then information, each with its message and an
 * expandable list of the files or class names it concerns. Names are shown as text, never as HTML.
 */
export function DatasetNotes({ notes }: { readonly notes: readonly DatasetNote[] }) {
  if (notes.length === 0) return null;
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...notes].sort((a, b) => order[a.level] - order[b.level]);
  return (
    <div className="notes" data-testid="dataset-notes">
      <h3>Worth knowing</h3>
      <ul>
        {sorted.map((note, i) => {
          const files = note.files ?? [];
          return (
            <li key={`${note.code}-${i}`} className={`note ${note.level}`} data-testid={`note-${note.code}`}>
              <strong className="note-level">{note.level === 'info' ? 'Note' : note.level === 'warning' ? 'Warning' : 'Error'}:</strong>{' '}
              <span className="note-message">{note.message}</span> <NoteAction code={note.code} />
              {files.length > 0 && (
                <details>
                  <summary data-testid="note-files-count">
                    {files.length} {files.length === 1 ? 'file or name' : 'files or names'} concerned
                  </summary>
                  <ul className="note-files">
                    {files.slice(0, MAX_LISTED).map((file) => (
                      <li key={file}>
                        <code>{file}</code>
                      </li>
                    ))}
                    {files.length > MAX_LISTED && <li className="muted">and {files.length - MAX_LISTED} more</li>}
                  </ul>
                </details>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
