import { useCallback, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { errorMessage } from '../../core/errors';
import { isActive } from '../../state';
import { CAPTURE_FRAMES_PER_SECOND, useHoldToRecord } from './captureRecorder';
import { studioActions, useStudio } from '../shared/useStudio';

/** The choice "a new class" in the class list (no class name can be empty). */
const NEW_CLASS = '';
const NO_CLASSES: readonly string[] = [];

interface CaptureControlsProps {
  /** The live camera video, null while the camera is off. */
  video(): HTMLVideoElement | null;
  readonly cameraOn: boolean;
}

/**
 * Records webcam frames into a class of the dataset while a button is held (pointer or Space/Enter): an
 * existing class, or a new one typed in. On release the frames join the dataset as training images and the
 * dataset is checked again; the next training run uses them.
 */
export function CaptureControls({ video, cameraOn }: CaptureControlsProps) {
  const classes = useStudio((s) => s.dataset?.classes ?? NO_CLASSES);
  const layout = useStudio((s) => s.dataset?.layout ?? null);
  const busy = useStudio((s) => s.ingestTask !== null || isActive(s.run.status));
  /** null: the first class (the default); `NEW_CLASS`: a class typed in. */
  const [choice, setChoice] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A class chosen earlier may be gone (a new dataset): the first class again, or a new one when there is none.
  const selected = choice === NEW_CLASS || (choice !== null && classes.includes(choice)) ? choice : (classes[0] ?? NEW_CLASS);
  const target = selected === NEW_CLASS ? typed.trim() : selected;
  const byLabelFile = layout === 'csv' || layout === 'list';

  const onFrames = useCallback(
    (frames: Blob[]) => {
      setError(null);
      studioActions()
        .addCaptures(target, frames)
        .then(
          (paths) => setNote(`${paths.length} frame${paths.length === 1 ? '' : 's'} added to "${target}" (${paths[0] ?? ''}…).`),
          (reason: unknown) => setError(errorMessage(reason)),
        );
    },
    [target],
  );
  const { frames, begin, end } = useHoldToRecord(video, onFrames);
  const canRecord = cameraOn && !busy && !byLabelFile && target !== '';
  const start = (): void => {
    if (canRecord) begin();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>): void => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    event.preventDefault();
    if (!event.repeat) start();
  };

  return (
    <fieldset className="field-group capture" data-testid="capture">
      <legend>Capture frames into a class</legend>
      <p className="hint">
        Hold the button to record about {CAPTURE_FRAMES_PER_SECOND} frames a second. When you let go they are added to the
        dataset as training images of the class (JPEG files in its folder, under <code>webcam/</code>), the dataset is
        checked again, and the next training run uses them. Nothing is uploaded.
      </p>
      <div className="settings">
        {classes.length > 0 && (
          <label>
            Class
            <select value={selected} onChange={(e) => setChoice(e.target.value)} disabled={frames !== null}>
              {classes.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
              <option value={NEW_CLASS}>New class…</option>
            </select>
          </label>
        )}
        {selected === NEW_CLASS && (
          <label>
            New class name
            <input type="text" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="e.g. thumbs-up" />
          </label>
        )}
      </div>
      <button
        type="button"
        className={`hold-to-record${frames !== null ? ' recording' : ''}`}
        data-testid="capture-button"
        disabled={!canRecord && frames === null}
        aria-pressed={frames !== null}
        onPointerDown={(event) => {
          if (event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          start();
        }}
        onPointerUp={end}
        onPointerCancel={end}
        onLostPointerCapture={end}
        onKeyDown={onKeyDown}
        onKeyUp={(event) => (event.key === ' ' || event.key === 'Enter') && end()}
        onBlur={end}
      >
        {frames !== null ? `Recording into "${target}"… ${frames} frames` : `Hold to record into "${target || '…'}"`}
      </button>
      {!cameraOn && <p className="hint">Start the camera to record.</p>}
      {byLabelFile && <p className="hint">This dataset is labelled by a file: captured frames can only join a dataset of class folders.</p>}
      {busy && cameraOn && <p className="hint">Recording waits while training runs or the images are being checked.</p>}
      {classes.length === 0 && !byLabelFile && (
        <p className="hint">No dataset yet: frames start a new one, with one folder per class (record at least two classes).</p>
      )}
      {note && <p data-testid="capture-note">{note}</p>}
      {error && (
        <p className="error" role="alert" data-testid="capture-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
