import { useState } from 'react';
import { errorMessage } from '../../core/errors';
import { INPUT_SCALINGS } from '../../engine/backbones';
import type { InputScaling } from '../../engine/backbones';
import { buildCustomEntry, fineTuneFor } from '../../engine/backbones';
import type { CustomModelOrigin, ModelInspection } from '../../engine/backbones';
import type { FeatureCandidate } from '../../engine/backbones';
import { CustomBackbonePreview } from './CustomBackbonePreview';
import { studioActions } from '../shared/useStudio';

/** Value of the feature-node select that stands for the model's own output. */
const OUTPUT = '';

const KIND_NOTES: Readonly<Record<FeatureCandidate['kind'], string>> = {
  'global-pool': 'global pooling',
  pool: 'pooling',
  flatten: 'flatten',
  activation: 'activation, average-pooled',
  merge: 'residual sum, average-pooled',
  output: "the model's output",
};

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Props {
  /** What the person calls the model (the folder's, archive's or URL's name). */
  readonly name: string;
  readonly inspection: ModelInspection;
  readonly origin: CustomModelOrigin;
  readonly disabled: boolean;
  /** Called once the backbone is in use. */
  readonly onUsed: () => void;
}

/**
 * What the studio found in a model of the user's own (format, input, weights), and the choices that make it
 * a backbone: the feature node (the suggestion preselected), the input scaling with a preview, and whether
 * two-stage training can cut it. "Use this backbone" makes it the run's backbone.
 */
export function CustomBackboneChoice({ name, inspection, origin, disabled, onUsed }: Props) {
  const [featureNode, setFeatureNode] = useState<string>(inspection.suggested ?? OUTPUT);
  const [scaling, setScaling] = useState<InputScaling>('zeroToOne');
  const [error, setError] = useState<string | null>(null);
  const node = featureNode === OUTPUT ? null : featureNode;
  const { cutPoints, reason } = fineTuneFor(inspection, node);
  const output = inspection.candidates.find((c) => c.kind === 'output');
  const shape = inspection.inputShape ? `[${inspection.inputShape.map((d) => d ?? '?').join(', ')}]` : 'not declared';

  const use = (): void => {
    try {
      const entry = buildCustomEntry({ name, inspection, featureNode: node, scaling, origin });
      studioActions().useCustomBackbone({ entry, files: origin.kind === 'files' ? origin.files : null });
      setError(null);
      onUsed();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="custom-backbone-choice" data-testid="custom-inspection">
      <dl>
        <dt>Model</dt>
        <dd data-testid="custom-name">{name}</dd>
        <dt>Format</dt>
        <dd data-testid="custom-format">{inspection.format === 'graph' ? 'GraphModel' : 'LayersModel'}</dd>
        <dt>Input</dt>
        <dd data-testid="custom-input">
          {shape}: fed {inspection.inputSizePx}x{inspection.inputSizePx} RGB images
          {inspection.inputSizeNote ? <span className="muted"> ({inspection.inputSizeNote})</span> : null}
        </dd>
        <dt>Weights</dt>
        <dd>
          {megabytes(inspection.weightBytes)} in {inspection.weightPaths.length} file{inspection.weightPaths.length === 1 ? '' : 's'}
        </dd>
      </dl>
      <div className="settings">
        <label>
          Feature node
          <select data-testid="feature-node" value={featureNode} disabled={disabled} onChange={(e) => setFeatureNode(e.target.value)}>
            {inspection.candidates
              .filter((c) => c.kind !== 'output')
              .map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name} ({c.op}, {KIND_NOTES[c.kind]}){c.name === inspection.suggested ? ' (suggested)' : ''}
                </option>
              ))}
            <option value={OUTPUT}>
              {output ? `${output.name} (${output.op}, the model's output)` : "The model's output"}
              {inspection.suggested === null ? ' (suggested)' : ''}
            </option>
          </select>
        </label>
        <label>
          Input scaling
          <select data-testid="input-scaling" value={scaling} disabled={disabled} onChange={(e) => setScaling(e.target.value as InputScaling)}>
            {INPUT_SCALINGS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <CustomBackbonePreview scaling={scaling} sizePx={inspection.inputSizePx} />
      <p className="muted" data-testid="custom-two-stage">
        {reason ?? `Two-stage training can unfreeze up to ${cutPoints.length} top blocks (cut at ${cutPoints[0]} for one).`}
      </p>
      <p className="muted">Features are measured when training loads the model; a feature node with a spatial map is average-pooled.</p>
      <button type="button" className="primary" disabled={disabled} onClick={use}>
        Use this backbone
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
