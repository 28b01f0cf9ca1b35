import { memo } from 'react';
import type { EpochMetrics } from '../../engine/training';
import type { BatchLossPoint } from '../../state';
import { epochTicks, linePath, stageBoundaries, valueTicks } from './chartAxes';

interface MetricChartProps {
  readonly title: string;
  readonly history: readonly EpochMetrics[];
  readonly trainKey: 'loss' | 'accuracy';
  readonly valKey: 'valLoss' | 'valAccuracy';
  /** Epochs the x axis spans (the run's epoch count), so the axis does not jump while training. */
  readonly epochs: number;
  readonly domain?: [number, number];
  /** The running per-batch training loss, drawn faintly behind the per-epoch curves. */
  readonly batches?: readonly BatchLossPoint[];
}

/**
 * While training, the charts are redrawn at most this often: the training events come several times a
 * second, and the curves need no more.
 */
export const CHART_UPDATE_MS = 1000;

const TRAIN_COLOUR = '#2563eb';
const VAL_COLOUR = '#ea580c';
const BATCH_COLOUR = '#93c5fd';
/** The drawing's own units (it scales to the width it is given) and the room for the axes' labels. */
const WIDTH = 480;
const HEIGHT = 230;
const MARGIN = { top: 12, right: 14, bottom: 26, left: 46 };
/** Points get a dot (with its value on hover) up to this many epochs. */
const MAX_DOTS = 30;

const formatTick = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2));

/**
 * Training and validation curves of one metric over epochs (x = epoch, ticks 0..epochs with a nice step),
 * the optional running batch loss behind them, and a dashed line where the training stage changes. Drawn as
 * plain SVG: a redraw costs about a millisecond, so the live curves never hold the page's main thread (a
 * recharts chart took 50-180 ms a redraw here while training).
 */
export const MetricChart = memo(function MetricChart({ title, history, trainKey, valKey, epochs, domain, batches }: MetricChartProps) {
  const lastEpoch = Math.max(epochs, history[history.length - 1]?.epoch ?? 1);
  const xTicks = epochTicks(lastEpoch);
  const xTop = xTicks[xTicks.length - 1] ?? lastEpoch;
  const values = [
    ...history.flatMap((m) => [m[trainKey], m[valKey]]),
    ...(batches ?? []).map((b) => b.loss),
  ].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const yTicks = domain ? valueTicks(domain[0], domain[1]) : valueTicks(0, Math.max(0, ...values));
  const yLo = yTicks[0] ?? 0;
  const yHi = yTicks[yTicks.length - 1] ?? 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + (x / xTop) * plotW;
  const sy = (y: number): number => MARGIN.top + (1 - (Math.min(Math.max(y, yLo), yHi) - yLo) / (yHi - yLo)) * plotH;
  const train = history.map((m) => ({ x: m.epoch, y: m[trainKey] }));
  const val = history.map((m) => ({ x: m.epoch, y: m[valKey] }));
  const dots = history.length <= MAX_DOTS;
  const series = [
    { key: 'train', name: 'training', colour: TRAIN_COLOUR, points: train },
    { key: 'val', name: 'validation', colour: VAL_COLOUR, points: val },
  ];
  return (
    <figure className="chart" data-testid={`chart-${trainKey}`}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`${title} per epoch`}>
        <g className="chart-grid" stroke="#e5e7eb" strokeDasharray="3 3">
          {yTicks.map((t) => (
            <line key={`y${t}`} x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={sy(t)} y2={sy(t)} />
          ))}
          {xTicks.map((t) => (
            <line key={`x${t}`} x1={sx(t)} x2={sx(t)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
          ))}
        </g>
        <g className="chart-axis" fontSize="11" fill="#4b5563">
          {yTicks.map((t) => (
            <text key={`y${t}`} x={MARGIN.left - 6} y={sy(t) + 4} textAnchor="end">
              {formatTick(t)}
            </text>
          ))}
          {xTicks.map((t) => (
            <text key={`x${t}`} x={sx(t)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle">
              {t}
            </text>
          ))}
        </g>
        {stageBoundaries(history).map((x) => (
          <g key={x} className="chart-stage-line">
            <line x1={sx(x)} x2={sx(x)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} stroke="#6b7280" strokeDasharray="4 4" />
            <text x={sx(x) + 4} y={MARGIN.top + 10} fontSize="11" fill="#374151">
              stage 2
            </text>
          </g>
        ))}
        {batches && (
          <path className="chart-line chart-line-batch" d={linePath(batches.map((b) => ({ x: b.x, y: b.loss })), sx, sy)} fill="none" stroke={BATCH_COLOUR} strokeWidth={1} />
        )}
        {series.map((s) => (
          <g key={s.key}>
            <path className={`chart-line chart-line-${s.key}`} d={linePath(s.points, sx, sy)} fill="none" stroke={s.colour} strokeWidth={2} />
            {dots &&
              s.points.map((p) =>
                typeof p.y === 'number' && Number.isFinite(p.y) ? (
                  <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={3} fill="#fff" stroke={s.colour} strokeWidth={1.5}>
                    <title>{`${s.name}, epoch ${p.x}: ${p.y.toFixed(4)}`}</title>
                  </circle>
                ) : null,
              )}
          </g>
        ))}
      </svg>
      <ul className="chart-legend">
        {batches && (
          <li>
            <span className="swatch" style={{ background: BATCH_COLOUR }} />
            training (per batch)
          </li>
        )}
        <li>
          <span className="swatch" style={{ background: TRAIN_COLOUR }} />
          training
        </li>
        <li>
          <span className="swatch" style={{ background: VAL_COLOUR }} />
          validation
        </li>
      </ul>
    </figure>
  );
});
