import { useState } from 'react';
import { SPLIT_NAMES } from '../../core/types';
import type { SplitName } from '../../core/types';
import { useFileOfPath } from '../shared/previewFile';
import { Thumbnail } from '../shared/Thumbnail';
import { useStudio } from '../shared/useStudio';
import { Gallery } from '../shared/Gallery';

/** Thumbnails shown of a selection. */
const SHOWN = 12;

/**
 * The images picked on the embedding map: how many of each class, the first few, and what to do with them:
 * relabel them all as one class, leave them out of training, or move them to another split.
 */
export function MapSelection({ files, disabled, onClear }: { files: readonly string[]; disabled: boolean; onClear(): void }) {
  const classes = useStudio((s) => s.dataset?.classes ?? []);
  const itemsByPath = useStudio((s) => s.itemsByPath);
  const fileOf = useFileOfPath();
  const editLabels = useStudio((s) => s.editLabels);
  const moveToSplit = useStudio((s) => s.moveToSplit);
  const [target, setTarget] = useState(0);
  const [split, setSplit] = useState<SplitName>('train');
  const present = files.filter((f) => itemsByPath.has(f));
  const perSplit = SPLIT_NAMES.map((name) => ({ name, count: present.filter((f) => itemsByPath.get(f)?.split === name).length })).filter((x) => x.count > 0);
  const perClass = classes.map((name, c) => ({ name, count: present.filter((f) => itemsByPath.get(f)?.classIndex === c).length })).filter((x) => x.count > 0);
  const apply = (classIndex: number | null): void => {
    editLabels(new Map(present.map((f) => [f, classIndex])));
    onClear();
  };

  return (
    <div className="map-selection" data-testid="map-selection">
      <p data-testid="map-selection-summary">
        {files.length} selected: {perClass.map((x) => `${x.count} ${x.name}`).join(', ') || 'none in the dataset now'}
        {present.length < files.length && `, ${files.length - present.length} left out`}
        {perSplit.length > 0 && ` (${perSplit.map((x) => `${x.count} ${x.name}`).join(', ')})`}
      </p>
      <div className="actions">
        <label>
          Relabel as{' '}
          <select value={target} onChange={(e) => setTarget(Number(e.target.value))} aria-label="Class for the selected images">
            {classes.map((name, c) => (
              <option key={name} value={c}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={disabled || present.length === 0} onClick={() => apply(target)}>
          Relabel {present.length}
        </button>
        <button type="button" disabled={disabled || present.length === 0} onClick={() => apply(null)}>
          Leave out {present.length}
        </button>
        <label>
          Move to{' '}
          <select value={split} onChange={(e) => setSplit(e.target.value as SplitName)} aria-label="Split for the selected images">
            {SPLIT_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={disabled || present.length === 0}
          onClick={() => {
            moveToSplit(present, split);
            onClear();
          }}
        >
          Move {present.length}
        </button>
        <button type="button" onClick={onClear}>
          Clear selection
        </button>
      </div>
      <Gallery label="Picked images">
        {files.slice(0, SHOWN).map((file) => {
          const item = itemsByPath.get(file);
          return (
            <Thumbnail key={file} file={fileOf(file)} path={file}>
              <span>{item ? `${classes[item.classIndex] ?? ''}, ${item.split}` : 'left out'}</span>
            </Thumbnail>
          );
        })}
      </Gallery>
      {files.length > SHOWN && <p className="muted">and {files.length - SHOWN} more</p>}
    </div>
  );
}
