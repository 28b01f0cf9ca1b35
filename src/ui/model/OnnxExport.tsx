import { formatBytes } from '../../core/bytes';
import { onnxZip } from '../../engine/convert';
import type { ParityFigures } from '../../engine/convert';
import type { ActiveClassifier } from '../../state';
import { usePredictionFit } from '../predict/predictSession';
import { useOnnxCheck } from './onnxCheck';
import type { OnnxCheck } from './onnxCheck';
import { DownloadZip } from './DownloadZip';

const percent = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');

/** The parity figures as a sentence, with each number in an element the tests read. */
function ParityText({ check, figures }: { readonly check: OnnxCheck; readonly figures: ParityFigures }) {
  const compared = figures.done - figures.unreadable;
  return (
    <p
      data-testid="onnx-parity" data-status={check.status} data-agreeing={figures.agreeing} data-compared={compared}
      data-max-difference={figures.maxDifference} data-file-correct={figures.fileCorrect} data-studio-correct={figures.studioCorrect}
      data-labelled={figures.labelled}
    >
      {check.status === 'checking' && `Checking the file in ${check.runtime}: ${figures.done} / ${figures.total} validation images… `}
      {check.status === 'done' && `Checked in ${check.runtime} on ${compared} validation images${figures.unreadable ? ` (${figures.unreadable} unreadable)` : ''}: `}
      top-1 agreement with the studio <strong data-testid="onnx-agreement">{percent(figures.agreeing, compared)}</strong> ({figures.agreeing} / {compared}),
      largest probability difference <strong data-testid="onnx-max-difference">{figures.maxDifference.toExponential(1)}</strong>, the file&apos;s
      validation accuracy <strong data-testid="onnx-accuracy">{percent(figures.fileCorrect, figures.labelled)}</strong> (the studio&apos;s{' '}
      {percent(figures.studioCorrect, figures.labelled)}).
    </p>
  );
}

/**
 * The ONNX export: the file converted in a worker, checked there in onnxruntime-web on the validation
 * images, its size, the parity figures, and the download (model.onnx, labels.txt, README.md in a zip).
 */
export function OnnxExport({ classifier }: { readonly classifier: ActiveClassifier }) {
  const fit = usePredictionFit(classifier);
  const check = useOnnxCheck(classifier, fit);
  const { bytes } = check;

  return (
    <div className="export-view" data-testid="onnx-export">
      <p>
        ONNX, opset 13, float32 weights, input <code>image</code> [n, {classifier.model.imageSizePx}, {classifier.model.imageSizePx}, 3]
        channels-last scaled as p / 127 - 1: <span data-testid="onnx-size">{bytes ? formatBytes(bytes.length, 'decimal', 2) : 'converting…'}</span>
        {bytes && ` (converted in ${(check.convertMs / 1000).toFixed(1)} s)`}
      </p>
      {check.status === 'error' ? (
        <p className="error" role="alert" data-testid="onnx-error">
          {bytes ? 'The check of the ONNX file failed' : 'The model could not be converted to ONNX'}: {check.message}
        </p>
      ) : check.noImages && bytes ? (
        <p className="muted" data-testid="onnx-parity" data-status="no-images">Not checked: {check.noImages}</p>
      ) : bytes ? (
        <ParityText check={check} figures={check.figures} />
      ) : null}
      <DownloadZip
        testId="onnx-download" label="Download model (.onnx in .zip)" modelName={classifier.name} suffix="onnx" disabled={!bytes}
        hint="model.onnx + labels.txt + a README with the preprocessing and code for onnxruntime in Python and JavaScript."
        build={() => {
          if (!bytes) throw new Error('the model is not converted yet');
          return onnxZip(bytes, classifier.model, classifier.name);
        }}
      />
    </div>
  );
}
