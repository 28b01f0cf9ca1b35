/** What `report.json` says of the backbone a run used, made from its catalog entry and where it loaded from. */
import type { BackboneEntry, BackboneKind, InputScaling, UserModelSource } from './catalogTypes';

/** What `report.json` records of the backbone a run used (`backboneInfo`; `backbone` keeps the id). */
export interface BackboneInfo {
  readonly id: string;
  readonly label: string;
  readonly kind: BackboneKind;
  /** Whether it came from the online catalog. */
  readonly online: boolean;
  /** `layers` or `graph`; null for the from-scratch CNN. */
  readonly format: 'layers' | 'graph' | null;
  /** The URL (or, for files, a `files:` name) the weights were loaded from; null for the from-scratch CNN. */
  readonly sourceUrl: string | null;
  /** For a model of the user's own: its name and the files or URL it came from. */
  readonly userSource: UserModelSource | null;
  /** The layer (LayersModel) or node (GraphModel) the features are read from; null: the model's output. */
  readonly featureNode: string | null;
  readonly inputScaling: InputScaling;
  readonly inputSizePx: number;
  /** Length of the feature vector the run trained on (measured for custom and online backbones). */
  readonly featureSize: number;
}

/** The report's description of `entry` as loaded from `sourceUrl` with `featureSize` features. */
export function describeBackbone(entry: BackboneEntry, sourceUrl: string | null, featureSize: number): BackboneInfo {
  const source = entry.sources.find((s) => s.url === sourceUrl);
  const feature = source?.feature;
  return {
    id: entry.id,
    label: entry.label,
    kind: entry.kind,
    online: entry.online !== undefined,
    format: feature?.format ?? null,
    sourceUrl: source ? sourceUrl : null,
    userSource: entry.userSource ?? null,
    featureNode: (feature?.format === 'layers' ? feature.layer : feature?.node) ?? null,
    inputScaling: source?.inputScaling ?? entry.inputScaling,
    inputSizePx: entry.inputSizePx,
    featureSize,
  };
}
