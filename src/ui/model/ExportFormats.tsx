import { useState } from 'react';
import type { ActiveClassifier } from '../../state';
import { ExportView } from './ExportView';
import { OnnxExport } from './OnnxExport';

type Format = 'tfjs' | 'onnx';

const FORMATS: readonly { readonly id: Format; readonly label: string }[] = [
  { id: 'tfjs', label: 'TF.js LayersModel (Teachable Machine format)' },
  { id: 'onnx', label: 'ONNX float32 (onnxruntime, Python and JavaScript)' },
];

/** The export's format choice, then that format's options, check and download. */
export function ExportFormats({ classifier }: { readonly classifier: ActiveClassifier }) {
  const [format, setFormat] = useState<Format>('tfjs');
  return (
    <>
      <fieldset className="export-formats">
        <legend>Format</legend>
        {FORMATS.map((f) => (
          <label key={f.id} className="checkbox">
            <input type="radio" name="export-format" value={f.id} checked={f.id === format} data-testid={`export-format-${f.id}`} onChange={() => setFormat(f.id)} />
            {f.label}
          </label>
        ))}
      </fieldset>
      {format === 'tfjs' ? <ExportView classifier={classifier} /> : <OnnxExport classifier={classifier} />}
    </>
  );
}
