import { useState } from 'react';
import { BACKEND_ORDER } from '../../engine/backend';
import type { BackendName } from '../../engine/backend';
import { findBackboneEntry } from '../../engine/backbones';
import type { BackboneEntry } from '../../engine/backbones';
import { isActive } from '../../state';
import { BackboneDownload } from '../backbones/BackboneDownload';
import { BackbonePicker } from '../backbones/BackbonePicker';
import { CustomBackbonePanel } from '../backbones/CustomBackbonePanel';
import { CheckboxField } from '../shared/Fields';
import { ProgressBar } from './ProgressBar';
import { RunPlanSummary } from './RunPlanSummary';
import { SettingsForm } from './SettingsForm';
import { studioActions, useStudio } from '../shared/useStudio';

/** Automatic choice, then every backend in the engine's order of preference. */
const BACKEND_CHOICES: readonly ('auto' | BackendName)[] = ['auto', ...BACKEND_ORDER];

/** The entry of `id`, or null when it is not known here (a model of the user's own from before a reload). */
const entryOrNull = (id: string): BackboneEntry | null => findBackboneEntry(id) ?? null;

/** Why two-stage training is off for this backbone, or null when it can be on. */
function twoStageNote(entry: BackboneEntry): string | null {
  if (entry.fineTune) return null;
  if (entry.kind === 'custom') return 'Two-stage needs cut points; this model has none we can find.';
  if (entry.online) return 'Two-stage is off for online backbones: their layers are not known before the download.';
  return 'This backbone cannot be fine-tuned.';
}

/** Training settings, the Train/Stop button, progress and the backend in use. */
export function TrainPanel() {
  const hasDataset = useStudio((s) => s.dataset !== null);
  const checking = useStudio((s) => s.ingestTask !== null);
  const settings = useStudio((s) => s.settings);
  const backendPreference = useStudio((s) => s.backendPreference);
  const status = useStudio((s) => s.run.status);
  const backend = useStudio((s) => s.run.backend);
  const backendReason = useStudio((s) => s.run.backendReason);
  const message = useStudio((s) => s.run.message);
  const fallback = useStudio((s) => s.run.fallback);
  const evaluationPending = useStudio((s) => s.run.evaluationPending);
  const fineTuneBackend = useStudio((s) => s.run.fineTuneBackend);
  const fineTuneReason = useStudio((s) => s.run.fineTuneBackendReason);
  const busy = isActive(status);
  const actions = studioActions();
  const entry = entryOrNull(settings.backboneId);
  const [ownModelOpen, setOwnModelOpen] = useState(false);
  const twoStageOff = entry ? twoStageNote(entry) : null;

  return (
    <section className="panel" aria-label="Training" id="step-train">
      <h2>2. Train</h2>
      <div className="settings">
        <BackbonePicker disabled={busy} onOwnModel={() => setOwnModelOpen(true)} />
        {entry?.inputSizes && (
          <label title="Smaller images train and predict faster (160 px costs about half the arithmetic of 224 px), usually a little less accurately; the report records the size">
            Input size
            <select
              value={settings.inputSizePx ?? entry.inputSizePx}
              disabled={busy}
              onChange={(e) => actions.updateSettings({ inputSizePx: Number(e.target.value) })}
            >
              {entry.inputSizes.map((size) => (
                <option key={size} value={size}>
                  {size} px{size === entry.inputSizePx ? ' (its own)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Epochs
          <input
            type="number"
            min={1}
            max={500}
            value={settings.epochs}
            disabled={busy}
            onChange={(e) => actions.updateSettings({ epochs: Math.max(1, Math.min(500, Number(e.target.value) || 1)) })}
          />
        </label>
        {entry && entry.kind !== 'scratch' && (
          <CheckboxField
            label="Two-stage: fine-tune the top blocks after the head"
            title={twoStageOff ?? undefined}
            checked={settings.fineTune && entry.fineTune !== null}
            disabled={busy || entry.fineTune === null}
            onChange={(fineTune) => actions.updateSettings({ fineTune })}
          />
        )}
        <label>
          Backend
          <select
            value={backendPreference}
            disabled={busy}
            onChange={(e) => actions.setBackendPreference(e.target.value as 'auto' | BackendName)}
          >
            {BACKEND_CHOICES.map((b) => (
              <option key={b} value={b}>
                {b === 'auto' ? 'Best available' : b}
              </option>
            ))}
          </select>
        </label>
      </div>
      {entry === null && (
        <p className="notice warning" data-testid="backbone-unknown">
          The backbone {settings.backboneId} is a model of your own that is not loaded in this page: choose it again with Your own
          model…, or pick another.
        </p>
      )}
      {entry?.online && <BackboneDownload key={entry.id} entry={entry} />}
      {entry?.kind === 'custom' && (
        <p className="muted" data-testid="custom-backbone-summary">
          {entry.description} Scaling: {entry.inputScaling}.{twoStageOff ? ` ${twoStageOff}` : ''}
        </p>
      )}
      {entry && entry.kind !== 'custom' && twoStageOff && entry.kind !== 'scratch' && <p className="muted">{twoStageOff}</p>}
      {ownModelOpen && <CustomBackbonePanel disabled={busy} onClose={() => setOwnModelOpen(false)} />}
      <div className="actions">
        {busy ? (
          <>
            <button type="button" onClick={() => actions.stop()} disabled={status === 'stopping'}>
              {status === 'stopping' ? 'Stopping…' : 'Stop'}
            </button>
            {status === 'paused' ? (
              <button type="button" onClick={() => actions.resume()}>
                Resume
              </button>
            ) : (
              <button type="button" onClick={() => actions.pause()} disabled={status !== 'running'}>
                Pause
              </button>
            )}
            <button type="button" onClick={() => actions.evaluateNow()} disabled={status !== 'running' || evaluationPending}>
              {evaluationPending ? 'Evaluating after this epoch…' : 'Evaluate now'}
            </button>
          </>
        ) : (
          <button type="button" className="primary" onClick={() => actions.train()} disabled={!hasDataset || checking}>
            Train
          </button>
        )}
        {backend && (
          <span className="backend" data-testid="backend" title={backendReason ?? ''}>
            Backend: <strong>{backend}</strong>
            {backendReason ? <span className="muted"> ({backendReason})</span> : null}
          </span>
        )}
        {fineTuneBackend && (
          <span className="backend" data-testid="finetune-backend" title={fineTuneReason ?? ''}>
            Stage 2 on: <strong>{fineTuneBackend}</strong>
            {fineTuneReason ? <span className="muted"> ({fineTuneReason})</span> : null}
          </span>
        )}
      </div>
      <SettingsForm disabled={busy} />
      <RunPlanSummary />
      <ProgressBar />
      {fallback && (
        <p className="note warning" role="status" data-testid="backend-fallback">
          {fallback}
        </p>
      )}
      {status === 'error' && message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      {status === 'stopped' && <p className="muted">{message}</p>}
      {status === 'paused' && <p className="muted" data-testid="paused">Paused: training holds before its next batch.</p>}
    </section>
  );
}
