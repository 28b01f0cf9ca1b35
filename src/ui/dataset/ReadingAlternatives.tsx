import type { ReadingAlternative } from '../../core/types';
import { studioActions } from '../shared/useStudio';

/** One button per other reading of the files that fits; a click reads them that way. */
export function ReadingAlternatives({
  alternatives,
  disabled,
  testId,
}: {
  readonly alternatives: readonly ReadingAlternative[];
  readonly disabled: boolean;
  /** The test id of each button. */
  readonly testId: string;
}) {
  return alternatives.map((alt) => (
    <button
      key={`${alt.layout}:${alt.labelFile ?? ''}`}
      type="button"
      disabled={disabled}
      data-testid={testId}
      onClick={() => studioActions().setIngestOptions({ layout: alt.layout, labelFile: alt.labelFile ?? null, fileColumn: null, labelColumn: null })}
    >
      {alt.title}
    </button>
  ));
}
