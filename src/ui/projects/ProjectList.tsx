import { formatBytes } from '../../core/bytes';
import { formatTime, projectActions, useProjects } from './ProjectsBarHooks';

/** Every saved project: open or delete one (names shown as text). */
export function ProjectList({ disabled }: { readonly disabled: boolean }) {
  const projects = useProjects((s) => s.projects);
  const currentId = useProjects((s) => s.current?.id);
  return (
    <details className="project-list" data-testid="project-list">
      <summary>Projects ({projects.length})</summary>
      <ul>
        {projects.map((p) => (
          <li key={p.id} data-testid="project-item" aria-current={p.id === currentId ? 'true' : undefined}>
            <span className="project-title">{p.name}</span>
            <span className="muted">
              {p.images} images, {p.classes} classes{p.hasModel ? ', trained model' : ''}, {formatBytes(p.bytes, 'decimal')}, changed{' '}
              {formatTime(p.updatedAt)}
            </span>
            {p.id === currentId ? (
              <span className="muted">(open)</span>
            ) : (
              <button type="button" disabled={disabled} aria-label={`Open ${p.name}`} onClick={() => void projectActions().openProject(p.id)}>
                Open
              </button>
            )}
            <button
              type="button"
              disabled={disabled}
              aria-label={`Delete ${p.name}`}
              onClick={() => {
                if (window.confirm(`Delete the project "${p.name}" and everything saved with it (images, model, results)?`)) {
                  void projectActions().deleteProject(p.id);
                }
              }}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
