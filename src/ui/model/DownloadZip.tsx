import { useState } from 'react';
import type { ReactNode } from 'react';
import { errorMessage } from '../../core/errors';
import { downloadBlob } from '../shared/download';

/** A file-name stem from a model name: `My ants & bees` -> `My-ants-bees`. */
const fileStem = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';

/**
 * An export's download button: builds the zip when clicked and saves it as `<model name>-<suffix>.zip`,
 * with a hint beside it and the error under it when building fails.
 */
export function DownloadZip({ testId, label, hint, modelName, suffix, disabled = false, build }: {
  readonly testId: string;
  readonly label: string;
  readonly hint: ReactNode;
  readonly modelName: string;
  readonly suffix: string;
  readonly disabled?: boolean;
  readonly build: () => Uint8Array;
}) {
  const [failure, setFailure] = useState<string | null>(null);
  const download = (): void => {
    setFailure(null);
    try {
      const zip = build();
      downloadBlob(`${fileStem(modelName)}-${suffix}.zip`, new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
    } catch (error) {
      setFailure(`The export failed: ${errorMessage(error)}`);
    }
  };
  return (
    <>
      <div className="actions">
        <button type="button" className="primary" data-testid={testId} disabled={disabled} onClick={download}>
          {label}
        </button>
        <span className="muted hint">{hint}</span>
      </div>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
    </>
  );
}
