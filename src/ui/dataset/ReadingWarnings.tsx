import { readingWarnings, type Dataset } from '../../core/types';
import { isActive } from '../../state';
import { useStudio } from '../shared/useStudio';
import { ReadingAlternatives } from './ReadingAlternatives';

/**
 * The notes that say the folder may have been read wrongly (class names like splits, repeated sub-folders,
 * an unused label file that disagrees, a class spanning split folders), shown above everything else in the
 * dataset view, with the other readings that fit one click away. Nothing when the reading is not in doubt.
 */
export function ReadingWarnings({ dataset }: { readonly dataset: Dataset }) {
  const disabled = useStudio((s) => isActive(s.run.status));
  const warnings = readingWarnings(dataset);
  if (warnings.length === 0) return null;
  const alternatives = dataset.reading?.alternatives ?? [];
  return (
    <div className="reading-warnings" role="alert" data-testid="reading-warnings">
      <h3>Check how the folder was read before training</h3>
      <ul>
        {warnings.map((note) => (
          <li key={note.code} data-testid={`reading-warning-${note.code}`}>
            {note.message}
          </li>
        ))}
      </ul>
      {alternatives.length > 0 && (
        <div className="actions">
          <ReadingAlternatives alternatives={alternatives} disabled={disabled} testId="reading-warning-alternative" />
        </div>
      )}
    </div>
  );
}
