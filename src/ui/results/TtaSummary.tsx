import type { StudioReport } from '../../engine/evaluation';

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const SPLIT_WORDS: Readonly<Record<string, string>> = { val: 'validation', test: 'test', train: 'training' };

/**
 * What test-time augmentation changed: each held-out split's accuracy on the plain view and with the views
 * averaged, and what the extra views cost. Nothing for a run without it.
 */
export function TtaSummary({ report }: { readonly report: StudioReport }) {
  const tta = report.testTimeAugmentation;
  if (!tta) return null;
  return (
    <p className="tta" data-testid="tta-summary">
      Test-time augmentation ({tta.views.join(', ')}, probabilities averaged):{' '}
      {report.evaluations.map((e, i) => (
        <span key={e.split} data-testid={`tta-${e.split}`}>
          {i > 0 ? '; ' : ''}
          {SPLIT_WORDS[e.split] ?? e.split} {percent(e.accuracy)} plain, {e.ttaAccuracy === undefined ? '-' : percent(e.ttaAccuracy)} with it
        </span>
      ))}
      . Cost: {tta.extraRows} extra held-out views, about {seconds(tta.embedMs)} of feature extraction and {seconds(tta.evaluateMs)} to evaluate.
    </p>
  );
}
