import { projectActions, useProjects } from './ProjectsBarHooks';

/**
 * While another tab holds the open project: says that this tab does not save it, and offers to take it over
 * (this tab then shows the project's latest saved version and saves it from here on). Also what the last
 * action did that should be known (a new folder started a new project).
 */
export function ProjectOwnerBanner({ disabled }: { readonly disabled: boolean }) {
  const heldElsewhere = useProjects((s) => s.heldElsewhere);
  const notice = useProjects((s) => s.notice);
  return (
    <>
      {heldElsewhere && (
        <div className="reading-warnings" role="alert" data-testid="project-held-elsewhere">
          <p>
            This project is open in another tab, which saves it. What you change here is <strong>not saved</strong>. Use it here
            instead (the other tab then stops saving it), or open or start another project.
          </p>
          <div className="actions">
            <button type="button" className="primary" disabled={disabled} onClick={() => void projectActions().takeOver()}>
              Use this project in this tab
            </button>
          </div>
        </div>
      )}
      {notice && (
        <p className="muted" role="status" data-testid="projects-notice">
          {notice}
        </p>
      )}
    </>
  );
}
