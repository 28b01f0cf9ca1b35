import { useState } from 'react';
import { studioActions } from '../shared/useStudio';

interface ClassNameEditorProps {
  /** Index of the class in `dataset.classes`. */
  readonly index: number;
  readonly name: string;
  /** True while a run is under way: the classes must not change then. */
  readonly disabled: boolean;
}

/**
 * A class name with a Rename button that turns it into a text field: Enter or leaving the field renames the
 * class (the store refuses empty and taken names and says so), Escape keeps the old name. Numeric CSV
 * labels (`1`/`-1`) are the usual reason to rename.
 */
export function ClassNameEditor({ index, name, disabled }: ClassNameEditorProps) {
  const [editing, setEditing] = useState(false);
  if (!editing) {
    return (
      <span className="class-name">
        <span data-testid={`class-name-${index}`}>{name}</span>
        <button type="button" className="link" disabled={disabled} aria-label={`Rename class ${name}`} onClick={() => setEditing(true)}>
          Rename
        </button>
      </span>
    );
  }
  const commit = (value: string): void => {
    setEditing(false);
    if (value.trim() !== name) studioActions().renameClass(index, value);
  };
  return (
    <input
      className="class-name-input"
      aria-label={`New name for class ${name}`}
      defaultValue={name}
      autoFocus
      onBlur={(event) => commit(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit(event.currentTarget.value);
        else if (event.key === 'Escape') setEditing(false);
      }}
    />
  );
}
