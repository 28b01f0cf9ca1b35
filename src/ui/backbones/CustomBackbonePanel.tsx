import { useState } from 'react';
import type { DragEvent } from 'react';
import { errorMessage } from '../../core/errors';
import { inspectModelJson } from '../../engine/backbones';
import type { CustomModelOrigin, ModelInspection } from '../../engine/backbones';
import { collectModelFiles, modelName, readModelJson } from '../../engine/backbones';
import { cachingFetch, modelJsonUrl } from '../../engine/backbones';
import type { PickedFile } from '../../state';
import { CustomBackboneChoice } from './CustomBackboneChoice';
import { readDrop, readInput } from '../dataset/readDrop';

/** A model read and inspected, waiting for the person's choices. */
interface Loaded {
  readonly name: string;
  readonly origin: CustomModelOrigin;
  readonly inspection: ModelInspection;
}

/** Reads and inspects the model among picked or dropped files (a folder's files, or a `.zip`). */
async function loadFiles(picked: readonly PickedFile[]): Promise<Loaded> {
  const { files, modelJsonPath } = await collectModelFiles(picked);
  const inspection = inspectModelJson(await readModelJson(files, modelJsonPath));
  return { name: modelName(modelJsonPath), origin: { kind: 'files', modelJsonPath, files }, inspection };
}

/**
 * Fetches and inspects a model's `model.json` by URL: a URL ending in `.json` is the file itself; any other
 * is a TF Hub model URL (`/model.json?tfjs-format=file` is added, as tfjs's `fromTFHub` does). It goes
 * through Cache Storage like the weights will.
 */
async function loadUrl(text: string): Promise<Loaded> {
  let url: URL;
  try {
    url = new URL(text.trim(), location.href);
  } catch {
    throw new Error(`"${text}" is not a URL.`);
  }
  const fromTFHub = !url.pathname.endsWith('.json');
  const jsonUrl = modelJsonUrl({ url: url.href, fromTFHub });
  let response: Response;
  try {
    response = await cachingFetch()(jsonUrl);
  } catch (error) {
    throw new Error(
      `Could not fetch ${jsonUrl}: ${errorMessage(error)}. The studio may read models from this site, tfhub.dev, www.kaggle.com and storage.googleapis.com only.`,
    );
  }
  if (!response.ok) throw new Error(`Could not fetch ${jsonUrl}: the server answered ${response.status}.`);
  const inspection = inspectModelJson(await response.json());
  const parts = url.pathname.split('/').filter((p) => p !== '' && p !== 'model.json');
  return { name: parts.at(-1) ?? url.hostname, origin: { kind: 'url', url: url.href, fromTFHub }, inspection };
}

/**
 * "Your own model…": a TensorFlow.js model (GraphModel or LayersModel) from a folder, a `.zip` or a URL,
 * inspected on the page (nothing is uploaded; a URL is fetched), then shaped into a backbone by
 * `CustomBackboneChoice`.
 */
export function CustomBackbonePanel({ disabled, onClose }: { readonly disabled: boolean; readonly onClose: () => void }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [url, setUrl] = useState('');

  const load = (work: Promise<Loaded>): void => {
    setBusy(true);
    setError(null);
    work.then(
      (result) => setLoaded(result),
      (reason: unknown) => {
        setLoaded(null);
        setError(errorMessage(reason));
      },
    ).finally(() => setBusy(false));
  };
  const fromInput = (files: FileList | null): void => {
    if (files && files.length > 0) load(loadFiles(readInput(files)));
  };
  const onDrop = (event: DragEvent<HTMLElement>): void => {
    event.preventDefault();
    event.stopPropagation();
    if (!disabled) load(readDrop(event.dataTransfer.items).then(loadFiles));
  };

  return (
    <section className="panel drop-zone" aria-label="Your own model" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="custom-model">
      <h3>Your own model</h3>
      <p className="muted">
        A TensorFlow.js GraphModel or LayersModel: the folder (or <code>.zip</code>) holding <code>model.json</code> and its weight
        files, dropped here or chosen, or its URL. Files stay on this device.
      </p>
      <div className="ways-in">
        <label className={`button${disabled ? ' disabled' : ''}`}>
          Folder with model.json
          <input
            type="file"
            multiple
            className="file-input"
            disabled={disabled || busy}
            ref={(input) => {
              if (input) input.webkitdirectory = true;
            }}
            onChange={(event) => {
              fromInput(event.currentTarget.files);
              event.currentTarget.value = '';
            }}
          />
        </label>
        <label className={`button${disabled ? ' disabled' : ''}`}>
          Zip with model.json
          <input
            type="file"
            accept=".zip,application/zip"
            className="file-input"
            disabled={disabled || busy}
            onChange={(event) => {
              fromInput(event.currentTarget.files);
              event.currentTarget.value = '';
            }}
          />
        </label>
        <span className="url-input">
          <label>
            URL of model.json{' '}
            <input
              type="url"
              value={url}
              placeholder="https://…/model.json"
              disabled={disabled || busy}
              onChange={(e) => setUrl(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && url.trim() !== '') load(loadUrl(url));
              }}
            />
          </label>{' '}
          <button type="button" disabled={disabled || busy || url.trim() === ''} onClick={() => load(loadUrl(url))}>
            Inspect
          </button>
        </span>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {busy && <p className="muted">Reading the model…</p>}
      {error && (
        <p className="error" role="alert" data-testid="custom-error">
          {error}
        </p>
      )}
      {loaded && (
        <CustomBackboneChoice
          key={`${loaded.name}:${loaded.inspection.topology.outputName}`}
          name={loaded.name}
          inspection={loaded.inspection}
          origin={loaded.origin}
          disabled={disabled}
          onUsed={onClose}
        />
      )}
    </section>
  );
}
