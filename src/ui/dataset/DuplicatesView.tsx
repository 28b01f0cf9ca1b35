import type { DuplicateGroup } from '../../data/inspect';
import { isActive } from '../../state';
import { CheckboxField } from '../shared/Fields';
import type { DuplicateMember } from './DuplicateSet';
import { DuplicateSet } from './DuplicateSet';
import { previewFile } from '../shared/previewFile';
import { useStudio, studioActions } from '../shared/useStudio';

/** Groups or pairs shown per kind; the rest are counted (the notes list every file). */
const MAX_SHOWN = 8;

const SPLIT_WORDS: Record<string, string> = { train: 'training', val: 'validation', test: 'test' };

/**
 * What the scan found about copies: identical images under different classes and in different splits, and
 * near-identical pairs across splits, shown side by side; copies within a class counted, with a checkbox to
 * leave the extra copies out.
 */
export function DuplicatesView() {
  const report = useStudio((s) => s.duplicates);
  const dataset = useStudio((s) => s.dataset);
  const itemsByPath = useStudio((s) => s.itemsByPath);
  const scan = useStudio((s) => s.scan);
  const files = useStudio((s) => s.files);
  const drop = useStudio((s) => s.dropDuplicates);
  const running = useStudio((s) => isActive(s.run.status));
  if (!report || !dataset) return null;
  const { acrossClasses, acrossSplits, nearAcrossSplits, withinClass } = report;
  if (acrossClasses.length + acrossSplits.length + nearAcrossSplits.length + withinClass.length === 0 && !drop) return null;

  const member = (path: string): DuplicateMember => {
    const item = itemsByPath.get(path);
    return {
      path,
      file: previewFile(scan, files, item?.fileIndex),
      className: item ? (dataset.classes[item.classIndex] ?? '?') : 'left out',
      split: item ? (SPLIT_WORDS[item.split] ?? item.split) : '',
    };
  };
  const groups = (list: readonly DuplicateGroup[], testId: string) =>
    list.slice(0, MAX_SHOWN).map((g) => <DuplicateSet key={g.sha256} testId={testId} members={g.paths.map(member)} />);
  const more = (n: number) => (n > MAX_SHOWN ? <p className="muted">and {n - MAX_SHOWN} more (listed in the notes above)</p> : null);
  const extra = withinClass.reduce((n, g) => n + g.paths.length - 1, 0);

  return (
    <div className="duplicates" data-testid="duplicates">
      <h3>Duplicates</h3>
      {acrossClasses.length > 0 && (
        <section aria-label="Same image in different classes">
          <h4 data-testid="across-classes-count">{acrossClasses.length} identical image(s) filed under different classes</h4>
          {groups(acrossClasses, 'duplicate-across-classes')}
          {more(acrossClasses.length)}
        </section>
      )}
      {acrossSplits.length > 0 && (
        <section aria-label="Same image in different splits">
          <h4 data-testid="across-splits-count">{acrossSplits.length} identical image(s) in more than one split</h4>
          {groups(acrossSplits, 'duplicate-across-splits')}
          {more(acrossSplits.length)}
        </section>
      )}
      {nearAcrossSplits.length > 0 && (
        <section aria-label="Nearly identical images in different splits">
          <h4 data-testid="near-pairs-count">{nearAcrossSplits.length} nearly identical pair(s) in different splits</h4>
          {nearAcrossSplits.slice(0, MAX_SHOWN).map((p) => (
            <DuplicateSet key={`${p.a}|${p.b}`} testId="near-pair" caption={`${p.distance} of 64 bits apart`} members={[member(p.a), member(p.b)]} />
          ))}
          {more(nearAcrossSplits.length)}
        </section>
      )}
      <p data-testid="within-class-count">
        {withinClass.length === 0
          ? 'No copies within a class.'
          : `${extra} extra ${extra === 1 ? 'copy' : 'copies'} of ${withinClass.length} ${withinClass.length === 1 ? 'image' : 'images'} within a class.`}
      </p>
      <div className="settings">
        <CheckboxField
          label="Leave out extra copies within a class"
          checked={drop}
          disabled={running}
          onChange={(checked) => studioActions().setDropDuplicates(checked)}
        />
      </div>
    </div>
  );
}
