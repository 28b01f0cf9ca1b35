import { formatBytes } from '../../core/bytes';
import { projectActions, useProjects } from './ProjectsBarHooks';

/** What the studio stores in this browser, of how much it may, and whether the browser keeps it for sure. */
export function ProjectStorage() {
  const storage = useProjects((s) => s.storage);
  if (storage.usageBytes === null && storage.persisted === null) return null;
  return (
    <p className="muted storage" data-testid="storage-usage">
      {storage.usageBytes !== null && (
        <>
          Storage: {formatBytes(storage.usageBytes, 'decimal')} used
          {storage.quotaBytes !== null ? ` of ${formatBytes(storage.quotaBytes, 'decimal')} this browser allows` : ''}.{' '}
        </>
      )}
      {storage.persisted === true && <span data-testid="storage-persistent">Kept until you delete it (persistent storage).</span>}
      {storage.persisted === false && (
        <>
          <span data-testid="storage-not-persistent">The browser may clear it when space runs low.</span>{' '}
          <button type="button" onClick={() => void projectActions().askPersistence()}>
            Keep my projects
          </button>
        </>
      )}
    </p>
  );
}
