import { useState } from 'react';
import type { StudioReport } from '../../engine/evaluation';
import type { LabelIssue } from '../../engine/labels';
import { isActive } from '../../state';
import { useFileOfPath } from '../shared/previewFile';
import { Thumbnail } from '../shared/Thumbnail';
import { useStudio } from '../shared/useStudio';
import { Gallery } from '../shared/Gallery';

/** Suspects shown at first; "Show more" adds as many again. */
const PAGE = 24;

type Choice = { kind: 'pending' } | { kind: 'relabelled'; to: string } | { kind: 'removed' } | { kind: 'kept' };

/**
 * The images whose label looks wrong (the run's `labelIssues`), most suspect first, with one click to relabel
 * as suggested, leave out, or keep; the choices go into the dataset (saved with the project) and the next run
 * trains on them. The run's other results stay as they were: they describe that run.
 */
export function LabelIssues({ report }: { report: StudioReport }) {
  const fileOf = useFileOfPath();
  const itemsByPath = useStudio((s) => s.itemsByPath);
  const classes = useStudio((s) => s.dataset?.classes);
  const edits = useStudio((s) => s.ingestOptions.labelEdits);
  const editLabels = useStudio((s) => s.editLabels);
  const training = useStudio((s) => isActive(s.run.status));
  const [shown, setShown] = useState(PAGE);
  const method = report.labelIssuesMethod;
  const issues = report.labelIssues;
  if (!method || !issues) return null;

  const choiceOf = (issue: LabelIssue): Choice => {
    if (!edits || !Object.hasOwn(edits, issue.file)) return { kind: 'pending' };
    const item = itemsByPath.get(issue.file);
    if (!item) return { kind: 'removed' };
    const now = classes?.[item.classIndex] ?? '';
    return now === issue.given ? { kind: 'kept' } : { kind: 'relabelled', to: now };
  };
  const indexOf = (name: string): number => report.classes.indexOf(name);
  const decide = (changes: [string, number | null | undefined][]): void => editLabels(new Map(changes));
  const pending = issues.filter((i) => choiceOf(i).kind === 'pending');
  const changed = issues.filter((i) => ['relabelled', 'removed'].includes(choiceOf(i).kind)).length;
  const visible = issues.slice(0, shown);
  const share = method.images > 0 ? ` (${((issues.length / method.images) * 100).toFixed(1)}%)` : '';

  return (
    <div className="label-issues" data-testid="label-issues">
      <h3>Labels to check</h3>
      <p data-testid="label-issues-summary">
        {method.images === 0
          ? 'The labels were not checked.'
          : issues.length === 0
            ? `No image looks mislabelled: each of the ${method.images} images was judged by ${method.folds} heads that never saw it.`
            : `${issues.length} of ${method.images} images${share} may be mislabelled: the ${method.folds} heads that never saw each image prefer another class. Most suspect first.`}
      </p>
      {method.note && (
        <p className="muted" data-testid="label-issues-note">
          {method.note}
        </p>
      )}
      {changed > 0 && (
        <p className="notice" role="status" data-testid="label-issues-changed">
          {changed} {changed === 1 ? 'label' : 'labels'} changed since this run: train again to use {changed === 1 ? 'it' : 'them'}.
        </p>
      )}
      {issues.length > 0 && (
        <>
          <p className="muted">
            Look at each image: relabel it, leave it out of training, or keep its label. {pending.length} not decided yet.
          </p>
          <Gallery label="Labels to check" testId="label-issues-list">
            {visible.map((issue) => {
              const choice = choiceOf(issue);
              return (
                <Thumbnail key={issue.file} file={fileOf(issue.file)} path={issue.file} tone={choice.kind === 'pending' ? 'wrong' : 'right'}>
                  <span data-testid="label-issue-classes">
                    labelled <strong>{issue.given}</strong>, looks like <strong>{issue.suggested}</strong>
                  </span>
                  <span className="muted">
                    {issue.split}, margin {issue.score.toFixed(2)}
                  </span>
                  {choice.kind === 'pending' ? (
                    <span className="thumb-actions">
                      <button type="button" disabled={training} onClick={() => decide([[issue.file, indexOf(issue.suggested)]])}>
                        Relabel as {issue.suggested}
                      </button>
                      <button type="button" disabled={training} onClick={() => decide([[issue.file, null]])}>
                        Leave out
                      </button>
                      <button type="button" disabled={training} onClick={() => decide([[issue.file, indexOf(issue.given)]])}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <span className="thumb-actions" data-testid="label-issue-choice">
                      {choice.kind === 'relabelled' ? `relabelled as ${choice.to}` : choice.kind === 'removed' ? 'left out' : `kept as ${issue.given}`}
                      <button type="button" disabled={training} onClick={() => decide([[issue.file, undefined]])}>
                        Undo
                      </button>
                    </span>
                  )}
                </Thumbnail>
              );
            })}
          </Gallery>
          {shown < issues.length && (
            <button type="button" onClick={() => setShown(shown + PAGE)}>
              Show {Math.min(PAGE, issues.length - shown)} more of {issues.length - shown}
            </button>
          )}
        </>
      )}
    </div>
  );
}
