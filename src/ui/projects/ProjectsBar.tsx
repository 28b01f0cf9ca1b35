import { useEffect, useState } from 'react';
import { isActive } from '../../state';
import { ProjectList } from './ProjectList';
import { ProjectModelInfo } from './ProjectModelInfo';
import { ProjectOwnerBanner } from './ProjectOwnerBanner';
import { ProjectResumeBanner } from './ProjectResumeBanner';
import { ProjectStorage } from './ProjectStorage';
import { formatTime, projectActions, useProjects } from './ProjectsBarHooks';
import { downloadBlob } from '../shared/download';
import { useStudio } from '../shared/useStudio';

/**
 * The current project (its name, renamable), whether it is saved, the other projects, new / export /
 * import, the storage used, and the offer to resume an interrupted run. Starts the projects store, which
 * puts the last project back.
 */
export function ProjectsBar() {
  const current = useProjects((s) => s.current);
  const save = useProjects((s) => s.save);
  const pending = useProjects((s) => s.pending);
  const busy = useProjects((s) => s.busy);
  const message = useProjects((s) => s.message);
  const unreadable = useProjects((s) => s.unreadable);
  const ready = useProjects((s) => s.ready);
  const available = useProjects((s) => s.available);
  const checkpointEpoch = useProjects((s) => s.checkpointEpoch);
  const training = useStudio((s) => isActive(s.run.status));
  const disabled = !ready || !available || busy !== null || training;

  useEffect(() => {
    void projectActions().start();
  }, []);

  return (
    <section className="panel projects-bar" aria-label="Project">
      <div className="actions">
        {current && <ProjectName key={`${current.id}:${current.name}`} name={current.name} disabled={!ready || !available} />}
        <span className="muted" data-testid="save-status" data-state={!ready ? 'opening' : pending ? 'pending' : save.status}>
          {!ready ? 'Opening your last project…' : saveText(save)}
        </span>
        {training && checkpointEpoch !== null && (
          <span className="muted" data-testid="checkpoint-status">
            Checkpoint: epoch {checkpointEpoch} saved
          </span>
        )}
        {busy && <span data-testid="projects-busy">{busy}</span>}
      </div>
      <div className="actions">
        <button type="button" disabled={disabled} onClick={() => void projectActions().newProject()}>
          New project
        </button>
        <button
          type="button"
          disabled={!ready || !available || busy !== null}
          onClick={() => void projectActions().exportCurrent().then((file) => file && downloadBlob(file.fileName, file.blob))}
        >
          Export project
        </button>
        <label className={`button${disabled ? ' disabled' : ''}`}>
          Import project
          <input
            type="file"
            accept=".zip,application/zip"
            className="file-input"
            disabled={disabled}
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) void projectActions().importFile(file, file.name);
              event.currentTarget.value = '';
            }}
          />
        </label>
        <ProjectList disabled={disabled} />
      </div>
      <ProjectOwnerBanner disabled={disabled} />
      <ProjectModelInfo />
      <ProjectStorage />
      {save.status === 'failed' && save.error && (
        <p className="error" role="alert" data-testid="save-error">
          {save.error}{' '}
          <button type="button" onClick={() => void projectActions().flush()}>
            Try again
          </button>
        </p>
      )}
      {message && (
        <p className="error" role="alert" data-testid="projects-message">
          {message}
          {unreadable && message.includes(unreadable.name) && (
            <>
              {' '}
              <button
                type="button"
                onClick={() => void projectActions().recoverUnreadable().then((file) => file && downloadBlob(file.fileName, file.blob))}
              >
                Download its files
              </button>
            </>
          )}
        </p>
      )}
      <ProjectResumeBanner />
    </section>
  );
}

function saveText(save: { status: string; savedAt: string | null }): string {
  if (save.status === 'saving') return 'Saving…';
  if (save.status === 'failed') return save.savedAt ? `Not saved (last saved ${formatTime(save.savedAt)})` : 'Not saved';
  return save.savedAt ? `Saved ${formatTime(save.savedAt)}` : 'Not saved yet';
}

/** The project's name as an input: Enter or leaving the field renames it, Escape puts it back. */
function ProjectName({ name, disabled }: { readonly name: string; readonly disabled: boolean }) {
  const [value, setValue] = useState(name);
  const commit = (): void => {
    if (value.trim()) projectActions().renameCurrent(value);
    else setValue(name);
  };
  return (
    <label className="project-name">
      Project
      <input
        aria-label="Project name"
        value={value}
        disabled={disabled}
        maxLength={200}
        onChange={(e) => setValue(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') setValue(name);
        }}
      />
    </label>
  );
}
