import { useState } from 'react';
import type { StudioReport } from '../../engine/evaluation';
import type { SearchTrial } from '../../engine/search';
import { studioActions, useStudio } from '../shared/useStudio';

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The searched settings of a trial in words, as the settings form names them. */
function searchedInWords(t: Pick<SearchTrial, 'settings'>): string {
  const s = t.settings;
  return `learning rate ${s.learningRate}, dropout ${s.dropout}, label smoothing ${s.labelSmoothing}, hidden units ${s.hiddenUnits}`;
}

/**
 * The settings search of a run: every trial, rung by rung, judged on validation, the winner marked (the run
 * trained with it), and one click to keep the winner's values in the settings for the next runs (the search
 * then turns off: it would find the same again).
 */
export function SettingsSearchTable({ report }: { readonly report: StudioReport }) {
  const search = report.settingsSearch;
  const settings = useStudio((s) => s.settings);
  const [applied, setApplied] = useState(false);
  if (!search) return null;
  const best = search.best;
  const inUse = (['learningRate', 'dropout', 'labelSmoothing', 'hiddenUnits'] as const).every((k) => settings[k] === best.settings[k]) && !settings.searchSettings;
  const rows = [...search.trials].sort((a, b) => b.rung - a.rung || b.valAccuracy - a.valAccuracy || a.valLoss - b.valLoss);
  return (
    <details className="settings-search" data-testid="settings-search" open>
      <summary>
        Settings search: {search.trials.length} trials in {seconds(search.ms)}, judged on the validation split (never on test); best{' '}
        <span data-testid="settings-search-best">{searchedInWords(best)}</span>, validation accuracy {percent(best.valAccuracy)}
      </summary>
      <p className="muted">
        Successive halving: {search.trials.filter((t) => t.rung === 0).length} candidates (the settings you had first, the rest drawn
        from the grid with seed {search.seed}) trained {search.rungEpochs.join(', then ')} epochs, the best third kept after each round.
        This run trained its head with the best.
      </p>
      <div className="table-scroll">
        <table className="compact" aria-label="Settings search trials">
          <thead>
            <tr>
              <th>Round</th>
              <th>Epochs</th>
              <th>Learning rate</th>
              <th>Dropout</th>
              <th>Label smoothing</th>
              <th>Hidden units</th>
              <th>Validation accuracy</th>
              <th>Validation loss</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => {
              const winner = t === best;
              return (
                <tr key={`${t.rung}-${t.candidate}`} className={winner ? 'best' : undefined} data-testid={winner ? 'settings-search-winner' : 'settings-search-trial'}>
                  <td>{t.rung + 1}{t.candidate === 0 ? ' (yours)' : ''}</td>
                  <td>{t.epochs}</td>
                  <td>{t.settings.learningRate}</td>
                  <td>{t.settings.dropout}</td>
                  <td>{t.settings.labelSmoothing}</td>
                  <td>{t.settings.hiddenUnits}</td>
                  <td>{percent(t.valAccuracy)}{winner ? ' (best)' : ''}</td>
                  <td>{Number.isFinite(t.valLoss) ? t.valLoss.toFixed(3) : '-'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button
          type="button"
          disabled={inUse}
          onClick={() => {
            studioActions().updateSettings({ ...best.settings, searchSettings: false });
            setApplied(true);
          }}
        >
          Use the best settings
        </button>
        {(applied || inUse) && <span role="status" data-testid="settings-search-applied">The next run trains with {searchedInWords(best)}, without searching.</span>}
      </div>
    </details>
  );
}
