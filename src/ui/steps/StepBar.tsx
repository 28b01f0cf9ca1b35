import { useEffect, useRef } from 'react';
import { formatDuration } from '../../state';
import { useStudio } from '../shared/useStudio';
import { STAGE_LABELS, useRunProgress } from '../training/runProgress';

/** The four steps of the page, each the id of the section it jumps to. */
const STEPS = [
  { id: 'step-images', label: 'Images' },
  { id: 'step-train', label: 'Train' },
  { id: 'step-results', label: 'Results' },
  { id: 'step-use', label: 'Use the model' },
] as const;

/** What the bar says while a folder is read, unpacked or checked. */
const INGEST_LABELS = { reading: 'Reading the folder', unzipping: 'Unpacking the archive', scanning: 'Checking the images' } as const;

/** Brings a step's section to the top of the window and gives its heading the focus (for keyboard and screen-reader users). */
function jumpTo(id: string): void {
  const section = document.getElementById(id);
  if (!section) return;
  section.scrollIntoView({ block: 'start' });
  const heading = section.querySelector<HTMLElement>('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

/** `jumpTo(id)` once the section is in the page (the results are drawn a render after the report comes), for up to a second. */
function jumpWhenThere(id: string, framesLeft = 60): void {
  if (document.getElementById(id)) jumpTo(id);
  else if (framesLeft > 0) requestAnimationFrame(() => jumpWhenThere(id, framesLeft - 1));
}

/**
 * The steps of a run, always at the top of the window: which are ready (a dataset, a run under way, a
 * report, a model to use), which is the current one, a jump to each, and the folder's check or the run's
 * progress with its time left, from any step. When a run ends with a report, the page moves to its results.
 */
export function StepBar() {
  const hasDataset = useStudio((s) => s.dataset !== null);
  const status = useStudio((s) => s.run.status);
  const progress = useRunProgress();
  const report = useStudio((s) => s.run.report);
  const hasModel = useStudio((s) => s.classifier !== null);
  const ingest = useStudio((s) => s.ingestTask);
  const running = status === 'running' || status === 'paused' || status === 'stopping';
  const ready = [hasDataset, running || report !== null, report !== null, hasModel];
  const current = !hasDataset ? 0 : running || report === null ? 1 : hasModel ? 3 : 2;

  // Follow the run: when it ends with a report (in this visit, not one restored from the project), show it.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (running) wasRunning.current = true;
    else if (wasRunning.current && status === 'done' && report) {
      wasRunning.current = false;
      jumpWhenThere('step-results');
    }
  }, [running, status, report]);

  const work = running && progress
    ? `${status === 'paused' ? 'Paused' : 'Running'}: ${STAGE_LABELS[progress.stage]}, ${progress.detail}` +
      (progress.remainingMs !== null ? `, about ${formatDuration(progress.remainingMs)} left` : '')
    : ingest
      ? `${INGEST_LABELS[ingest.stage]}: ${ingest.done}${ingest.total > 0 ? ` / ${ingest.total}` : ''}`
      : '';
  return (
    <nav className="step-bar" aria-label="Steps" data-testid="step-bar">
      <ol>
        {STEPS.map((step, i) => (
          <li key={step.id}>
            <button
              type="button"
              aria-current={i === current ? 'step' : undefined}
              className={`${ready[i] ? 'ready' : ''}${i === current ? ' current' : ''}`}
              data-testid={step.id}
              onClick={() => jumpTo(step.id)}
            >
              {i + 1}. {step.label}
              <span className="visually-hidden">{ready[i] ? ' (ready)' : ' (not yet)'}</span>
              {ready[i] && <span aria-hidden="true"> ✓</span>}
            </button>
          </li>
        ))}
      </ol>
      {work && (
        <span className="step-work" data-testid="step-work">
          {work}
        </span>
      )}
    </nav>
  );
}
