import { useState } from 'react';
import type { ReactNode } from 'react';
import { errorMessage } from '../../core/errors';
import type { HeatmapAnswer } from '../../engine/predict';
import { Thumbnail } from '../shared/Thumbnail';
import { HeatmapCanvas, heatmapCaption } from './Heatmap';
import type { HeatmapSession } from './heatmapSession';

interface ExplainedThumbnailProps {
  readonly file: Blob | null;
  readonly path: string;
  readonly tone?: 'right' | 'wrong';
  /** The class the heatmap is for: the one the model predicted (what it saw). */
  readonly label: string;
  /** Null while no classifier is loaded: no Heatmap button then. */
  readonly session: HeatmapSession | null;
  readonly children?: ReactNode;
}

type HeatState =
  | { readonly status: 'off' }
  | { readonly status: 'computing' }
  | { readonly status: 'ready'; readonly answer: HeatmapAnswer; readonly shown: boolean }
  | { readonly status: 'failed'; readonly message: string };

/**
 * A thumbnail with a **Heatmap** toggle: the first press asks the prediction worker for the image's occlusion
 * heatmap for `label`, then each press shows or hides it over the image, with a caption of what it means
 * and what it cost.
 */
export function ExplainedThumbnail({ file, path, tone, label, session, children }: ExplainedThumbnailProps) {
  const [state, setState] = useState<HeatState>({ status: 'off' });
  const toggle = (): void => {
    if (state.status === 'ready') {
      setState({ ...state, shown: !state.shown });
      return;
    }
    if (!session || !file || state.status === 'computing') return;
    setState({ status: 'computing' });
    session.explain(file, label).then(
      (answer) => setState({ status: 'ready', answer, shown: true }),
      (error: unknown) => setState({ status: 'failed', message: errorMessage(error) }),
    );
  };
  const shown = state.status === 'ready' && state.shown ? state.answer : null;
  return (
    <Thumbnail file={file} path={path} tone={tone} overlay={shown ? <HeatmapCanvas answer={shown} className="heatmap-overlay" /> : undefined}>
      {children}
      {session && file && (
        <span className="thumb-actions">
          <button type="button" aria-pressed={shown !== null} onClick={toggle} disabled={state.status === 'computing'} data-testid="heatmap-toggle">
            {state.status === 'computing' ? 'Heatmap…' : 'Heatmap'}
          </button>
        </span>
      )}
      {shown && (
        <span className="heatmap-caption" data-testid="heatmap-caption">
          {heatmapCaption(shown)}
        </span>
      )}
      {state.status === 'failed' && (
        <span className="error" role="alert">
          Heatmap failed: {state.message}
        </span>
      )}
    </Thumbnail>
  );
}
