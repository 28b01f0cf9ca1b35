import { useState } from 'react';
import type { DragEvent } from 'react';
import { errorMessage } from '../../core/errors';
import { isActive } from '../../state';
import type { PickedFile } from '../../state';
import { projectsStore } from '../../state/projects';
import { IngestProgress } from './IngestProgress';
import { canPickDirectory, pickDirectory, readDrop, readInput } from './readDrop';
import { useStudio } from '../shared/useStudio';

/**
 * The ways in: "Choose folder" (a folder input), "Open .zip", "Pick a folder…" (the File System Access
 * picker, where the browser has one), and a drop zone for folders, files and archives dragged onto the page.
 */
export function DatasetPicker() {
  const running = useStudio((s) => isActive(s.run.status));
  const error = useStudio((s) => s.ingestError);
  const [dragging, setDragging] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);

  /** Hands the files to the store, or says why they could not be listed. */
  const ingest = (read: Promise<PickedFile[] | null>): void => {
    setReadError(null);
    void read.then(
      // A new folder into a project that holds images starts a new project (the open one is kept).
      (picked) => (picked && picked.length > 0 ? projectsStore.getState().ingestFolder(picked) : undefined),
      (reason: unknown) => setReadError(`Could not read what was given: ${errorMessage(reason)}`),
    );
  };

  const onDrop = (event: DragEvent<HTMLElement>): void => {
    event.preventDefault();
    setDragging(false);
    if (running) return;
    ingest(readDrop(event.dataTransfer.items));
  };

  return (
    <section
      className={`panel drop-zone${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      aria-label="Dataset"
      id="step-images"
    >
      <h2>1. Your images</h2>
      <p>
        Drop a folder (or several, or a <code>.zip</code>) here, or choose one: one sub-folder per class
        (<code>cats/</code>, <code>dogs/</code>), split folders (<code>train/</code>, <code>val/</code>,{' '}
        <code>test/</code>) holding the same classes, or images with a CSV or list file of labels. Nothing is
        uploaded: the images stay on this device.
      </p>
      <div className="ways-in">
        <label className={`button primary${running ? ' disabled' : ''}`}>
          Choose folder
          <input
            type="file"
            multiple
            className="file-input"
            disabled={running}
            ref={(input) => {
              if (input) input.webkitdirectory = true;
            }}
            onChange={(event) => {
              const files = event.currentTarget.files;
              if (files && files.length > 0) ingest(Promise.resolve(readInput(files)));
              event.currentTarget.value = '';
            }}
          />
        </label>
        <label className={`button${running ? ' disabled' : ''}`}>
          Open .zip
          <input
            type="file"
            accept=".zip,application/zip"
            className="file-input"
            disabled={running}
            onChange={(event) => {
              const files = event.currentTarget.files;
              if (files && files.length > 0) ingest(Promise.resolve(readInput(files)));
              event.currentTarget.value = '';
            }}
          />
        </label>
        {canPickDirectory() && (
          <button type="button" disabled={running} onClick={() => ingest(pickDirectory())}>
            Pick a folder…
          </button>
        )}
      </div>
      <IngestProgress />
      {(readError ?? error) && (
        <p className="error" role="alert" data-testid="ingest-error">
          {readError ?? error}
        </p>
      )}
    </section>
  );
}
