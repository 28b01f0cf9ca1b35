import { useEffect, useState } from 'react';
import { formatBytes } from '../../core/bytes';
import { measureExportSizes } from '../../engine/model';
import { exportZip } from '../../engine/model';
import type { ExportSize } from '../../engine/model';
import { WEIGHT_DTYPES } from '../../engine/model';
import type { WeightDtype } from '../../engine/model';
import type { ActiveClassifier } from '../../state';
import { nextTask } from '../shared/nextTask';
import { useExportAccuracy } from './exportAccuracy';
import type { AccuracyMeasure } from './exportAccuracy';
import { usePredictionFit } from '../predict/predictSession';
import { DownloadZip } from './DownloadZip';

const DTYPE_NAMES: Record<WeightDtype, string> = {
  float32: 'float32 (as trained)',
  float16: 'float16 (half the size)',
  uint8: 'uint8 (about a quarter; depthwise kernels and small tensors float16)',
};


/**
 * Sizes of the zip under each weight type, measured in a worker (building three zips, two with quantized
 * weights, takes a few hundred milliseconds for MobileNetV2); null until they arrive or when that fails.
 */
function useExportSizes(classifier: ActiveClassifier, includeReport: boolean, includePredictions: boolean): Record<WeightDtype, ExportSize> | null {
  const [sizes, setSizes] = useState<{ readonly key: string; readonly model: ActiveClassifier; readonly value: Record<WeightDtype, ExportSize> } | null>(null);
  const key = `${includeReport}:${includePredictions}`;
  useEffect(() => {
    let current = true;
    // The model is copied to the worker: in a task of its own.
    nextTask()
      .then(() => (current ? measureExportSizes(classifier.model, { name: classifier.name, report: classifier.report, includeReport, includePredictions }) : null))
      .then(
        (value) => {
          if (current && value) setSizes({ key, model: classifier, value });
        },
        () => undefined,
      );
    return () => {
      current = false;
    };
  }, [classifier, includeReport, includePredictions, key]);
  return sizes?.key === key && sizes.model === classifier ? sizes.value : null;
}

/** One weight type's accuracy as text: `80.4% (123 / 153)`, its progress, or why it failed. */
function accuracyText(measure: AccuracyMeasure | undefined): string {
  if (!measure) return 'waiting…';
  if (measure.status === 'error') return `could not be measured (${measure.message ?? 'unknown error'})`;
  const counted = measure.done - measure.unreadable;
  if (measure.status === 'running') return `measuring… ${measure.done} / ${measure.total}`;
  const percent = counted > 0 ? ((100 * measure.correct) / counted).toFixed(1) : '-';
  return `${percent}% (${measure.correct} / ${counted}${measure.unreadable > 0 ? `, ${measure.unreadable} unreadable` : ''})`;
}

/**
 * The export: weight type (each with its download size), report and predictions in the zip or not, the
 * validation accuracy of the chosen type beside float32's, and the download.
 */
export function ExportView({ classifier }: { readonly classifier: ActiveClassifier }) {
  const [dtype, setDtype] = useState<WeightDtype>('float32');
  const [includeReport, setIncludeReport] = useState(true);
  const [includePredictions, setIncludePredictions] = useState(true);
  const report = classifier.report;
  const sizes = useExportSizes(classifier, includeReport && report !== null, includePredictions && report !== null);
  const fit = usePredictionFit(classifier);
  const { results, reason } = useExportAccuracy(classifier.model, dtype, fit);
  const shown: WeightDtype[] = dtype === 'float32' ? ['float32'] : ['float32', dtype];

  return (
    <div className="export-view">
      <fieldset className="export-dtypes">
        <legend>Weights</legend>
        {WEIGHT_DTYPES.map((d) => (
          <label key={d} className="checkbox">
            <input type="radio" name="export-dtype" value={d} checked={d === dtype} data-testid={`export-dtype-${d}`} onChange={() => setDtype(d)} />
            {DTYPE_NAMES[d]}: <span data-testid={`export-size-${d}`}>{sizes ? formatBytes(sizes[d].zipBytes, 'decimal', 2) : '…'}</span>
          </label>
        ))}
      </fieldset>
      {report && (
        <div className="actions">
          <label className="checkbox">
            <input type="checkbox" checked={includeReport} onChange={(e) => setIncludeReport(e.target.checked)} />
            Include report.json
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={includePredictions} onChange={(e) => setIncludePredictions(e.target.checked)} />
            Include predictions.csv
          </label>
        </div>
      )}
      <p data-testid="export-accuracy">
        {reason ?? (
          <>
            Validation accuracy, images classified as the exported model would:{' '}
            {shown.map((d, i) => (
              <span key={d}>
                {i > 0 && ' · '}
                {d}{' '}
                <span data-testid={`export-accuracy-${d}`} data-status={results[d]?.status ?? 'waiting'}>
                  {accuracyText(results[d])}
                </span>
              </span>
            ))}
          </>
        )}
      </p>
      <DownloadZip
        testId="export-download" label="Download model (.zip)" modelName={classifier.name} suffix={dtype}
        hint={<>model.json + weights.bin + metadata.json (Teachable Machine&apos;s format) and a README with usage code.</>}
        build={() => exportZip(classifier.model, { dtype, name: classifier.name, report, includeReport, includePredictions })}
      />
    </div>
  );
}
