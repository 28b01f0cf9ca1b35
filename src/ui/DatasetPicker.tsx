import { useState } from 'react';
import type { DragEvent } from 'react';
import { readDrop, readInput } from './readDrop';
import { studioActions, useStudio } from './useStudio';

/** The way in: a "Choose folder" button and a drop zone for a folder dragged onto the page. */
export function DatasetPicker() {
  const running = useStudio((s) => s.run.status === 'running' || s.run.status === 'stopping');
  const error = useStudio((s) => s.ingestError);
  const [dragging, setDragging] = useState(false);

  const onDrop = (event: DragEvent<HTMLElement>): void => {
    event.preventDefault();
    setDragging(false);
    if (running) return;
    void readDrop(event.dataTransfer.items).then((picked) => studioActions().ingest(picked));
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
    >
      <h2>1. Your images</h2>
      <p>
        Drop a folder here, or choose one: one sub-folder per class (<code>cats/</code>, <code>dogs/</code>), or
        split folders (<code>train/</code>, <code>val/</code>, <code>test/</code>) holding the same classes. Nothing
        is uploaded: the images stay on this device.
      </p>
      <label className={`button primary${running ? ' disabled' : ''}`}>
        Choose folder
        <input
          type="file"
          multiple
          hidden
          disabled={running}
          ref={(input) => {
            if (input) input.webkitdirectory = true;
          }}
          onChange={(event) => {
            const files = event.currentTarget.files;
            if (files && files.length > 0) studioActions().ingest(readInput(files));
            event.currentTarget.value = '';
          }}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
