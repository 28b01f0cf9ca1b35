import type { SplitName } from '../../core/types';
import { findBackboneEntry } from '../../engine/backbones';
import type { RunSummary } from '../../engine/evaluation';
import { useStudio } from '../shared/useStudio';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const percent = (accuracy: number | undefined): string => (accuracy === undefined ? '-' : `${(accuracy * 100).toFixed(1)}%`);
const images = (run: RunSummary): string => (['train', 'val', 'test'] as SplitName[]).map((s) => run.images[s] ?? 0).join(' / ');
/** The catalog label without its note in brackets, or the id. */
const backboneName = (id: string): string => findBackboneEntry(id)?.label.replace(/\s*\(.*\)$/, '') ?? id;

/**
 * The project's finished runs side by side, latest last: backbone, input size, stages, speed and held-out
 * accuracy, so that what a smaller input or a second stage costs and buys can be read off. Shown from the
 * second run on.
 */
export function RunComparison() {
  const runs = useStudio((s) => s.runs);
  if (runs.length < 2) return null;
  const hasTest = runs.some((r) => r.accuracy.test !== undefined);
  return (
    <details className="run-comparison" open data-testid="run-comparison">
      <summary>Runs compared ({runs.length})</summary>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>Backbone</th>
              <th>Input</th>
              <th>Training</th>
              <th>Images (train / val / test)</th>
              <th>Backend</th>
              <th>Features</th>
              <th>Training time</th>
              <th>Total</th>
              <th>Val accuracy</th>
              {hasTest && <th>Test accuracy</th>}
            </tr>
          </thead>
          <tbody>
            {runs.map((run, i) => (
              <tr key={`${run.createdAt}-${i}`} className={i === runs.length - 1 ? 'latest' : undefined}>
                <td>{i + 1}</td>
                <td>{backboneName(run.backbone)}</td>
                <td>{run.inputSizePx} px</td>
                <td>
                  {run.fineTuneBlocks > 0 ? `two-stage, ${run.fineTuneBlocks} block${run.fineTuneBlocks > 1 ? 's' : ''}` : 'head only'}, {run.epochs} epochs
                  {run.viewsPerImage > 1 ? `, ${run.viewsPerImage - 1} views` : ''}
                  {run.stoppedByUser ? ' (stopped)' : ''}
                </td>
                <td>{images(run)}</td>
                <td>{run.backend}</td>
                <td>
                  {run.embedImagesPerSecond.toFixed(1)} img/s ({seconds(run.embedMs)})
                </td>
                <td>{seconds(run.trainMs)}</td>
                <td>{seconds(run.totalMs)}</td>
                <td>{percent(run.accuracy.val)}</td>
                {hasTest && <td>{percent(run.accuracy.test)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
