import { useState } from 'react';
import { errorMessage } from '../../core/errors';
import type { PhotoFit } from '../../data/images';
import type { HeatmapAnswer, Predictor } from '../../engine/predict';
import { HeatmapCanvas, heatmapCaption } from '../results/Heatmap';

interface ExplainFrameProps {
  /** The live video, read when the button is pressed. */
  readonly video: () => HTMLVideoElement | null;
  /** Null while no classifier is loaded: no button then. */
  readonly predictor: Predictor | null;
  readonly fit: PhotoFit;
  readonly live: boolean;
}

/**
 * **Explain this frame**: takes the current camera frame and shows its occlusion heatmap for the class it is
 * classified as, computed in the prediction worker (the live loop goes on beside it).
 */
export function ExplainFrame({ video, predictor, fit, live }: ExplainFrameProps) {
  const [answer, setAnswer] = useState<HeatmapAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!predictor) return null;
  const explain = async (): Promise<void> => {
    const element = video();
    if (!element || busy) return;
    setBusy(true);
    setError(null);
    try {
      const frame = await createImageBitmap(element);
      setAnswer(await predictor.heatmap({ frame }, { fit }));
    } catch (reason: unknown) {
      setError(`The frame could not be explained: ${errorMessage(reason)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="explain-frame" data-testid="explain-frame">
      <button type="button" onClick={() => void explain()} disabled={!live || busy}>
        {busy ? 'Explaining…' : 'Explain this frame'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {answer && (
        <figure className="heatmap-figure">
          <HeatmapCanvas answer={answer} className="heatmap-frame" />
          <figcaption className="muted">{heatmapCaption(answer)}</figcaption>
        </figure>
      )}
    </div>
  );
}
