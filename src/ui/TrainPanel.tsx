import type { BackendName } from '../engine/backend';
import { ALL_BACKBONES, getBackboneEntry } from '../engine/catalog';
import { isActive } from '../state/studioStore';
import { CheckboxField } from './Fields';
import { ProgressBar } from './ProgressBar';
import { RunPlanSummary } from './RunPlanSummary';
import { SettingsForm } from './SettingsForm';
import { studioActions, useStudio } from './useStudio';

const BACKEND_CHOICES: readonly ('auto' | BackendName)[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

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
  const evaluationPending = useStudio((s) => s.run.evaluationPending);
  const fineTuneBackend = useStudio((s) => s.run.fineTuneBackend);
  const fineTuneReason = useStudio((s) => s.run.fineTuneBackendReason);
  const busy = isActive(status);
  const actions = studioActions();
  const entry = getBackboneEntry(settings.backboneId);

  return (
    <section className="panel" aria-label="Training">
      <h2>2. Train</h2>
      <div className="settings">
        <label>
          Backbone
          <select
            value={settings.backboneId}
            disabled={busy}
            onChange={(e) => actions.updateSettings({ backboneId: e.target.value })}
          >
            {ALL_BACKBONES.map((b) => (
              <option key={b.id} value={b.id}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
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
        {entry.kind !== 'scratch' && (
          <CheckboxField
            label="Two-stage: fine-tune the top blocks after the head"
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
