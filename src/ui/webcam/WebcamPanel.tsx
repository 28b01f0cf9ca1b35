import { useCallback, useDeferredValue, useEffect, useState } from 'react';
import { errorMessage } from '../../core/errors';
import { CaptureControls } from './CaptureControls';
import { ExplainFrame } from './ExplainFrame';
import { usePredictionFit, usePredictor } from '../predict/predictSession';
import { WebcamBars } from './WebcamBars';
import { runFrameLoop } from './webcamLoop';
import type { FrameAnswer } from './webcamLoop';
import { useCamera } from './webcamStream';
import { useStudio } from '../shared/useStudio';

/**
 * The webcam: Start/Stop and the choice of camera, the live video, and (with a classifier) the live top-k
 * classes of its frames, classified in the prediction worker one frame at a time, with the frames per
 * second measured. Frames can be recorded into a class of the dataset (`CaptureControls`).
 */
export function WebcamPanel() {
  // Deferred: the panel is drawn in an interruptible render, not in the task that delivers the trained model.
  const classifier = useDeferredValue(useStudio((s) => s.classifier));
  const { predictor, error: loadError } = usePredictor(classifier?.model ?? null);
  const fit = usePredictionFit(classifier);
  const camera = useCamera();
  const [answer, setAnswer] = useState<FrameAnswer | null>(null);
  const [loopError, setLoopError] = useState<string | null>(null);
  const [topK, setTopK] = useState(3);
  const classCount = classifier?.model.labels.length ?? 0;
  const live = camera.status === 'on';
  const { videoRef } = camera;

  useEffect(() => {
    const video = videoRef.current;
    if (!live || !predictor || !video) return undefined;
    const controller = new AbortController();
    runFrameLoop(video, (frame) => predictor.classifyFrame(frame, { topK: classCount, fit }), setAnswer, controller.signal).catch(
      (reason: unknown) => {
        if (!controller.signal.aborted) setLoopError(`Live classification stopped: ${errorMessage(reason)}`);
      },
    );
    return () => controller.abort();
  }, [live, predictor, fit, classCount, videoRef]);

  const getVideo = useCallback(() => videoRef.current, [videoRef]);
  const stop = (): void => {
    camera.stop();
    setAnswer(null);
  };
  const problem = loopError ?? loadError;

  return (
    <section className="panel webcam" aria-label="Webcam" data-testid="webcam-panel">
      <h2>Webcam</h2>
      <p className="muted">
        {classifier
          ? `Point the camera at something: ${classifier.name}'s classifier names it live, frame by frame, in a worker. Nothing leaves this device.`
          : 'Train a classifier (or import one) to see live predictions here. You can already record frames into classes.'}
      </p>
      <div className="actions">
        {camera.status === 'off' ? (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setLoopError(null);
              camera.start();
            }}
          >
            Start camera
          </button>
        ) : (
          <button type="button" onClick={stop} disabled={camera.status === 'starting'}>
            {camera.status === 'starting' ? 'Starting camera…' : 'Stop camera'}
          </button>
        )}
        {camera.cameras.length > 0 && (
          <label className="inline-field">
            Camera{' '}
            <select value={camera.cameraId} onChange={(e) => camera.choose(e.target.value)}>
              {camera.cameras.map((c) => (
                <option key={c.deviceId} value={c.deviceId}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {classifier && (
          <label className="inline-field">
            Bars shown{' '}
            <input type="number" min={1} max={classCount} value={Math.min(topK, classCount)} onChange={(e) => setTopK(Math.max(1, Math.round(Number(e.target.value)) || 1))} />
          </label>
        )}
      </div>
      {camera.error && (
        <p className="error" role="alert" data-testid="webcam-error">
          {camera.error}
        </p>
      )}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="webcam-live">
        <video ref={videoRef} className="webcam-video" data-testid="webcam-video" muted playsInline hidden={camera.status === 'off'} />
        {live && answer && <WebcamBars top={answer.top} topK={Math.min(topK, classCount)} framesPerSecond={answer.framesPerSecond} workerMs={answer.workerMs} />}
        {live && classifier && !answer && !problem && <p className="muted">Waiting for the first frame…</p>}
      </div>
      <ExplainFrame video={getVideo} predictor={predictor} fit={fit} live={live} />
      <CaptureControls video={getVideo} cameraOn={live} />
    </section>
  );
}
