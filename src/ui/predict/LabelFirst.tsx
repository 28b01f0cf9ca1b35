import { useMemo, useState } from 'react';
import { errorMessage } from '../../core/errors';
import { leastSure, margin } from '../../engine/labels';
import { isActive } from '../../state';
import { Thumbnail } from '../shared/Thumbnail';
import { useStudio } from '../shared/useStudio';
import type { PredictRow } from './predictFiles';
import { formatPercent } from './predictFiles';
import { Gallery } from '../shared/Gallery';

/** Images offered to label first. */
export const LABEL_FIRST_COUNT = 20;

type ReadRow = Extract<PredictRow, { top: unknown }>;

/**
 * The classified images the model is least sure of (smallest margin between its two likeliest classes):
 * the ones that teach it most once labelled. Each gets a class of the user's choosing, and the labelled
 * ones join the dataset as training images (as webcam captures do) for the next run.
 */
export function LabelFirst({ rows, labels }: { rows: readonly PredictRow[]; labels: readonly string[] }) {
  const addCaptures = useStudio((s) => s.addCaptures);
  const training = useStudio((s) => isActive(s.run.status));
  const read = useMemo(() => rows.filter((r): r is ReadRow => 'top' in r), [rows]);
  const picked = useMemo(() => leastSure(read, LABEL_FIRST_COUNT).map((i) => read[i] as ReadRow), [read]);
  const [choice, setChoice] = useState<ReadonlyMap<string, string>>(new Map());
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState<{ kind: 'idle' | 'adding' } | { kind: 'done'; count: number } | { kind: 'error'; message: string }>({ kind: 'idle' });
  if (read.length < 2 || labels.length < 2) return null;
  const chosen = picked.filter((r) => choice.has(r.name) && !added.has(r.name));

  const add = async (): Promise<void> => {
    setStatus({ kind: 'adding' });
    const done = new Set(added);
    try {
      for (const label of labels) {
        const group = chosen.filter((r) => choice.get(r.name) === label);
        if (group.length === 0) continue;
        await addCaptures(label, group.map((r) => r.file));
        for (const r of group) done.add(r.name);
      }
      setStatus({ kind: 'done', count: chosen.length });
    } catch (error) {
      setStatus({ kind: 'error', message: errorMessage(error) });
    } finally {
      setAdded(done);
    }
  };

  return (
    <div className="label-first" data-testid="label-first">
      <h3>Label these first</h3>
      <p className="muted">
        The {picked.length} images the model is least sure of (smallest gap between its two likeliest classes): labelled, they teach it
        the most. Choose a class for the ones you know and add them to the training images; the next run uses them.
      </p>
      <Gallery label="Images to label first">
        {picked.map((row) => {
          const [best, second] = row.top;
          return (
            <Thumbnail key={row.name} file={row.file} path={row.name}>
              <span data-testid="label-first-guess">
                {best ? `${formatPercent(best.probability)} ${best.label}` : ''}
                {second ? `, ${formatPercent(second.probability)} ${second.label}` : ''}
              </span>
              <span className="muted">margin {margin(row.top).toFixed(2)}</span>
              {added.has(row.name) ? (
                <span data-testid="label-first-added">added as {choice.get(row.name)}</span>
              ) : (
                <select
                  aria-label={`Class of ${row.name}`}
                  value={choice.get(row.name) ?? ''}
                  onChange={(e) => {
                    const next = new Map(choice);
                    if (e.target.value) next.set(row.name, e.target.value);
                    else next.delete(row.name);
                    setChoice(next);
                  }}
                >
                  <option value="">not labelled</option>
                  {labels.map((label) => (
                    <option key={label} value={label}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Thumbnail>
          );
        })}
      </Gallery>
      <div className="actions">
        <button type="button" disabled={training || status.kind === 'adding' || chosen.length === 0} onClick={() => void add()}>
          Add {chosen.length} labelled {chosen.length === 1 ? 'image' : 'images'} to the training images
        </button>
        <span role="status" data-testid="label-first-status">
          {status.kind === 'adding' && 'Adding…'}
          {status.kind === 'done' && `${status.count} added: train again to use them.`}
          {status.kind === 'error' && status.message}
        </span>
      </div>
    </div>
  );
}
