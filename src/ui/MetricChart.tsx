import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EpochMetrics } from '../engine/events';

interface MetricChartProps {
  readonly title: string;
  readonly history: readonly EpochMetrics[];
  readonly trainKey: 'loss' | 'accuracy';
  readonly valKey: 'valLoss' | 'valAccuracy';
  readonly domain?: [number, number];
}

/** One training-vs-validation curve over epochs. */
export function MetricChart({ title, history, trainKey, valKey, domain }: MetricChartProps) {
  return (
    <figure className="chart" data-testid={`chart-${trainKey}`}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={history as EpochMetrics[]} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" allowDecimals={false} />
          <YAxis domain={domain ?? ['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(2)} width={48} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
          <Legend />
          <Line type="monotone" dataKey={trainKey} name="training" stroke="#2563eb" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey={valKey} name="validation" stroke="#ea580c" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
