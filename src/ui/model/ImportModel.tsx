import { useState } from 'react';
import { UserFacingError, errorMessage } from '../../core/errors';
import { isActive } from '../../state';
import { openModelFiles } from './importFiles';
import { readInput } from '../dataset/readDrop';
import { studioActions, useStudio } from '../shared/useStudio';

const KIND_NAMES = { 'fine-tune-studio': 'studio export', 'teachable-machine': 'Teachable Machine export' } as const;

/**
 * "Open a model…" (a `.zip`, or a model's files) and "Open a model folder…": the files are checked and the
 * model becomes the active classifier, with its report when the export carried one. What is wrong with a
 * model is said in text. Disabled while training runs (its result would replace the import).
 */
export function ImportModel() {
  const training = useStudio((s) => isActive(s.run.status));
  const [status, setStatus] = useState<{ readonly ok: boolean; readonly text: string; readonly warnings?: readonly string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const open = (files: FileList | null): void => {
    if (!files || files.length === 0) return;
    const picked = readInput(files);
    setBusy(true);
    setStatus(null);
    openModelFiles(picked).then(
      ({ imported, name }) => {
        studioActions().setClassifier({ model: imported.model, origin: 'imported', name, report: imported.report });
        const { labels } = imported.model;
        setStatus({
          ok: true,
          text: `Opened ${name} (${KIND_NAMES[imported.kind]}, ${imported.storedDtype} weights): ${labels.length} classes, ready to classify.`,
          warnings: imported.warnings,
        });
      },
      (error: unknown) => {
        const reason = error instanceof UserFacingError ? error.message : `it could not be read (${errorMessage(error)})`;
        setStatus({ ok: false, text: `This model cannot be opened: ${reason}` });
      },
    ).finally(() => setBusy(false));
  };

  const input = (folder: boolean) => (
    <input
      type="file"
      multiple={!folder || undefined}
      className="file-input"
      disabled={training || busy}
      data-testid={folder ? 'import-model-folder' : 'import-model'}
      accept={folder ? undefined : '.zip,.json,.bin,application/zip,application/json,application/octet-stream'}
      ref={(element) => {
        if (element) element.webkitdirectory = folder;
      }}
      onChange={(event) => {
        open(event.currentTarget.files);
        event.currentTarget.value = '';
      }}
    />
  );

  return (
    <div className="import-model">
      <h3>Open a model</h3>
      <p className="hint muted">
        A model exported here (its <code>.zip</code>, or the unpacked folder) or a Teachable Machine image model
        (<code>model.json</code>, <code>weights.bin</code>, <code>metadata.json</code>): it becomes the model that
        classifies and exports.
      </p>
      <div className="ways-in">
        <label className={`button${training || busy ? ' disabled' : ''}`}>
          Open a model…
          {input(false)}
        </label>
        <label className={`button${training || busy ? ' disabled' : ''}`}>
          Open a model folder…
          {input(true)}
        </label>
        {busy && <span className="muted">Checking the model…</span>}
      </div>
      {status && (
        <p className={status.ok ? 'import-ok' : 'error'} role={status.ok ? 'status' : 'alert'} data-testid={status.ok ? 'import-status' : 'import-error'}>
          {status.text}
        </p>
      )}
      {status?.warnings?.map((w) => (
        <p key={w} className="muted hint">
          {w}
        </p>
      ))}
    </div>
  );
}
