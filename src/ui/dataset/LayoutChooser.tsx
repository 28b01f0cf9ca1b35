import type { Dataset, DatasetLayout } from '../../core/types';
import { isActive } from '../../state';
import type { IngestOptions } from '../../state';
import { SelectField } from '../shared/Fields';
import { ReadingAlternatives } from './ReadingAlternatives';
import { studioActions, useStudio } from '../shared/useStudio';

/** The layout select's values: `labels` stands for `csv` or `list`, by the label file's extension. */
type LayoutChoice = 'auto' | 'class-folders' | 'split-folders' | 'labels';

const fileName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The label file's layout: a `.txt` is a list of `path label` lines, anything else a CSV/TSV. */
const labelLayout = (path: string): DatasetLayout => (path.toLowerCase().endsWith('.txt') ? 'list' : 'csv');

/** The split folders and their splits, in words: "training_set/ → train, test_set/ → test". */
function splitMapping(reading: Dataset['reading']): string {
  const order = { train: 0, val: 1, test: 2 } as const;
  return Object.entries(reading?.splitFolders ?? {})
    .sort((a, b) => order[a[1]] - order[b[1]])
    .map(([folder, split]) => `${folder}/ → ${split}`)
    .join(', ');
}

/** How the dataset was read, in words: "one folder per class", "CSV labels from x.csv (columns a → b)". */
function describeLayout(dataset: Pick<Dataset, 'layout' | 'labelSource' | 'reading'>): string {
  const source = dataset.labelSource;
  const reading = dataset.reading;
  const inside = reading?.wrapper ? ` inside ${reading.wrapper}/` : '';
  const splits = splitMapping(reading);
  switch (dataset.layout) {
    case 'class-folders':
      return reading?.splitsBelowClasses ? `one folder per class${inside}, each holding split folders` : `one folder per class${inside}`;
    case 'split-folders': {
      const by = reading?.splitsBy === 'structure' ? ', found by their shared class folders' : '';
      return `split folders${inside} (${splits}${by}), one folder per class in each`;
    }
    case 'csv':
    case 'list': {
      const what = dataset.layout === 'csv' ? 'CSV labels' : 'list file';
      const columns = source && dataset.layout === 'csv' ? ` (columns ${source.fileColumn} → ${source.labelColumn})` : '';
      const from = source ? ` from ${fileName(source.file)}${columns}` : '';
      const split = Object.values(reading?.splitFolders ?? {}).some((s) => s !== 'train');
      return `${what}${from}${split ? `; splits from the folders ${splits}` : ''}`;
    }
  }
}

const asOptions = (values: readonly string[]): [string, string][] => values.map((v) => [v, v]);

const choiceOf = (options: IngestOptions): LayoutChoice =>
  options.layout === 'csv' || options.layout === 'list' ? 'labels' : options.layout;

/**
 * The layout found, and selects to read the files another way: Auto, class folders, split folders, or a
 * label file (offered only when one was found), then which label file and which of its columns hold the
 * file names and the labels. Every change re-reads the files in the store.
 */
export function LayoutChooser() {
  const dataset = useStudio((s) => s.dataset);
  const options = useStudio((s) => s.ingestOptions);
  const labelTexts = useStudio((s) => s.labelTexts);
  const disabled = useStudio((s) => isActive(s.run.status) || s.ingestTask?.stage === 'reading' || s.ingestTask?.stage === 'unzipping');
  const labelFiles = [...labelTexts.keys()];
  const choice = choiceOf(options);
  const source = dataset?.labelSource;
  const labelFile = options.labelFile ?? source?.file ?? labelFiles[0] ?? '';
  const alternatives = dataset?.reading?.alternatives ?? [];
  const showLabels = labelFiles.length > 0 && (choice === 'labels' || dataset?.layout === 'csv' || dataset?.layout === 'list');
  const layoutChoices: [LayoutChoice, string][] = [
    ['auto', 'Auto'],
    ['class-folders', 'One folder per class'],
    ['split-folders', 'Split folders (train/val/test)'],
    ...(labelFiles.length > 0 ? [['labels', 'CSV / list labels'] as [LayoutChoice, string]] : []),
  ];

  const choose = (next: LayoutChoice): void => {
    if (next === 'labels') studioActions().setIngestOptions({ layout: labelLayout(labelFile), labelFile: labelFile || null });
    else studioActions().setIngestOptions({ layout: next, fileColumn: null, labelColumn: null });
  };

  return (
    <div className="layout-chooser settings" data-testid="layout-chooser">
      {dataset && (
        <p className="layout-found" data-testid="layout">
          Layout: {describeLayout(dataset)}.
        </p>
      )}
      {alternatives.length > 0 && (
        <div className="layout-alternatives" data-testid="layout-alternatives">
          <span className="muted">Also fits:</span>
          <ReadingAlternatives alternatives={alternatives} disabled={disabled} testId="layout-alternative" />
        </div>
      )}
      <SelectField<LayoutChoice>
        label="Read the files as"
        value={choice}
        disabled={disabled}
        options={layoutChoices}
        onChange={choose}
      />
      {showLabels && (
        <SelectField
          label="Label file"
          value={labelFile}
          options={asOptions(labelFiles)}
          disabled={disabled}
          onChange={(path) => studioActions().setIngestOptions({ layout: labelLayout(path), labelFile: path, fileColumn: null, labelColumn: null })}
        />
      )}
      {showLabels && source && (
        <>
          <SelectField
            label="File names in"
            value={source.fileColumn}
            options={asOptions(source.columns)}
            disabled={disabled}
            onChange={(column) => studioActions().setIngestOptions({ labelFile: source.file, fileColumn: column })}
          />
          <SelectField
            label="Labels in"
            value={source.labelColumn}
            options={asOptions(source.columns)}
            disabled={disabled}
            onChange={(column) => studioActions().setIngestOptions({ labelFile: source.file, labelColumn: column })}
          />
          <span className="muted label-matches" data-testid="label-matches">
            {source.matched} of {source.rows} rows name exactly one image.
          </span>
        </>
      )}
    </div>
  );
}
