import { countItems } from '../../core/types';
import type { DatasetItem } from '../../core/types';
import { splitFromFolderName } from '../../data/ingest';
import { ClassCountsTable } from './ClassCountsTable';
import { ClassDistribution } from './ClassDistribution';
import { ClassSamples } from './ClassSamples';
import { ClassWeightsNote } from '../training/ClassWeightsNote';
import { DatasetNotes } from './DatasetNotes';
import { DuplicatesView } from './DuplicatesView';
import { LayoutChooser } from './LayoutChooser';
import { ReadingWarnings } from './ReadingWarnings';
import { SampleBatch } from './SampleBatch';
import { SkippedList } from './SkippedList';
import { UnlabelledList } from './UnlabelledList';
import { useStudio } from '../shared/useStudio';

/** Whether the studio made the validation split: some validation image lies in no folder named like one. */
const heldOut = (items: readonly DatasetItem[]): boolean =>
  items.some((i) => i.split === 'val' && !i.path.split('/').slice(0, -1).some((s) => splitFromFolderName(s) === 'val'));

/**
 * The dataset view: how the files were read (and a way to read them otherwise), the classes with their
 * counts per split (renamable), the class distribution, what the scan found (notes, duplicates, class
 * weights), sample images, and the files that were skipped.
 */
export function DatasetSummary() {
  const dataset = useStudio((s) => s.dataset);
  const hasFiles = useStudio((s) => s.sources.length > 0);
  const scan = useStudio((s) => s.scan);
  const scanning = useStudio((s) => s.ingestTask?.stage === 'scanning');
  if (!dataset) {
    // The files are there but could not be read this way (the error is shown above): offer the other ways.
    return hasFiles ? (
      <section className="panel" aria-label="Dataset summary">
        <LayoutChooser />
      </section>
    ) : null;
  }
  const counts = countItems(dataset);
  const splits = (['train', 'val', 'test'] as const).filter((split) => counts[split]);
  return (
    <section className="panel" aria-label="Dataset summary">
      <h2>
        {dataset.name || 'Dataset'}: {dataset.classes.length} classes, {dataset.items.length} images
      </h2>
      <ReadingWarnings dataset={dataset} />
      <LayoutChooser />
      {heldOut(dataset.items) && <p className="muted">Validation images were held out from training at random, per class.</p>}
      <div className="dataset-overview">
        <ClassCountsTable classes={dataset.classes} counts={counts} splits={splits} />
        <ClassDistribution classes={dataset.classes} counts={counts} />
      </div>
      {scan ? (
        <p className="scan-status" data-testid="scan-done">
          Every image checked: {scan.hashes.size} decoded
          {scan.failed.size > 0 ? `, ${scan.failed.size} could not be decoded (listed with the skipped files)` : ''}.
        </p>
      ) : (
        !scanning && <p className="muted scan-status">The images have not been checked (the check was cancelled).</p>
      )}
      <DatasetNotes notes={dataset.notes ?? []} />
      <ClassWeightsNote dataset={dataset} />
      <DuplicatesView />
      <ClassSamples />
      <SampleBatch />
      <UnlabelledList unlabelled={dataset.unlabelled ?? []} />
      <SkippedList skipped={dataset.skipped} />
    </section>
  );
}
