import { useEffect, useState } from 'react';
import { errorMessage } from '../../core/errors';
import type { BackboneEntry } from '../../engine/backbones';
import { downloadBackbone } from '../../engine/backbones';

type DownloadState =
  | { readonly status: 'downloading'; readonly loadedBytes: number; readonly totalBytes: number }
  | { readonly status: 'ready'; readonly bytes: number; readonly fromCache: boolean; readonly cached: boolean }
  | { readonly status: 'error'; readonly message: string };

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * An online catalog backbone, picked: its approximate size, then its download into Cache Storage with a
 * progress bar (or, when it was downloaded before, a note that it loads from this browser, offline too).
 * Mounted only while such an entry is selected, so nothing is fetched before someone picks one; keyed by
 * the entry's id, so another entry starts afresh.
 */
export function BackboneDownload({ entry }: { readonly entry: BackboneEntry }) {
  const source = entry.sources[0];
  const [state, setState] = useState<DownloadState>({ status: 'downloading', loadedBytes: 0, totalBytes: entry.online?.approxBytes ?? 0 });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!source) return;
    const controller = new AbortController();
    downloadBackbone(source, {
      signal: controller.signal,
      onProgress: ({ loadedBytes, totalBytes }) => {
        if (!controller.signal.aborted) setState({ status: 'downloading', loadedBytes, totalBytes });
      },
    }).then(
      ({ bytes, fromCache, cached }) => {
        if (!controller.signal.aborted) setState({ status: 'ready', bytes, fromCache, cached });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', message: errorMessage(error) });
      },
    );
    return () => controller.abort();
  }, [entry, source, attempt]);

  if (!source) return null;
  const host = new URL(source.url).hostname;
  return (
    <div className="notice" data-testid="online-backbone" data-status={state.status}>
      <strong>{entry.label}</strong>: {entry.description}{' '}
      <span data-testid="online-size">Download: about {megabytes(entry.online?.approxBytes ?? 0)} from {host}.</span>
      {state.status === 'downloading' && (
        <div className="progress">
          <progress data-testid="online-progress" aria-label="Download progress" value={state.loadedBytes} max={Math.max(state.totalBytes, state.loadedBytes, 1)} />
          <span data-testid="online-progress-detail">
            {megabytes(state.loadedBytes)} of {megabytes(Math.max(state.totalBytes, state.loadedBytes))}
          </span>
        </div>
      )}
      {state.status === 'ready' && (
        <p data-testid="online-ready">
          {state.fromCache
            ? `Loaded from this browser's cache (${megabytes(state.bytes)}): no download needed, and it works offline.`
            : state.cached
              ? `Downloaded ${megabytes(state.bytes)} and kept in this browser: the next use works offline.`
              : `Downloaded ${megabytes(state.bytes)}; this browser gives the page no cache, so it will be fetched again next time.`}
        </p>
      )}
      {state.status === 'error' && (
        <p className="error" role="alert" data-testid="online-error">
          {state.message}{' '}
          <button
            type="button"
            onClick={() => {
              setState({ status: 'downloading', loadedBytes: 0, totalBytes: entry.online?.approxBytes ?? 0 });
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </p>
      )}
    </div>
  );
}
