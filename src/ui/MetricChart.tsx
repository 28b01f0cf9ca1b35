import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EpochMetrics } from '../engine/events';
import type { BatchLossPoint } from '../state/progress';
import { epochTicks, stageBoundaries } from './chartAxes';

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

const formatTick = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2));

/**
 * Training and validation curves of one metric over epochs (x = epoch, ticks 0..epochs with a nice step),
 * the optional running batch loss behind them, and a dashed line where the training stage changes.
 */
export const MetricChart = memo(function MetricChart({ title, history, trainKey, valKey, epochs, domain, batches }: MetricChartProps) {
  const lastEpoch = Math.max(epochs, history[history.length - 1]?.epoch ?? 1);
  const ticks = epochTicks(lastEpoch);
  const top = ticks[ticks.length - 1] ?? lastEpoch;
  const points = history.map((m) => ({ x: m.epoch, train: m[trainKey], val: m[valKey] }));
  const dots = history.length <= 30;
  return (
    <figure className="chart" data-testid={`chart-${trainKey}`}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={230}>
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="x" domain={[0, top]} ticks={ticks} allowDecimals={false} />
          <YAxis domain={domain ?? [0, 'auto']} tickFormatter={formatTick} width={48} />
          <Tooltip
            labelFormatter={(x) => `epoch ${typeof x === 'number' ? x.toFixed(2).replace(/\.00$/, '') : String(x)}`}
            formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))}
          />
          <Legend />
          {stageBoundaries(history).map((x) => (
            <ReferenceLine key={x} x={x} stroke="#6b7280" strokeDasharray="4 4" label={{ value: 'stage 2', position: 'top' }} />
          ))}
          {batches && (
            <Line
              data={batches as BatchLossPoint[]}
              dataKey="loss"
              name="training (per batch)"
              stroke="#93c5fd"
              strokeWidth={1}
              dot={false}
              isAnimationActive={false}
            />
          )}
          <Line data={points} dataKey="train" name="training" stroke="#2563eb" strokeWidth={2} dot={dots} isAnimationActive={false} />
          <Line data={points} dataKey="val" name="validation" stroke="#ea580c" strokeWidth={2} dot={dots} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});
