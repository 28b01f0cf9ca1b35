import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SplitCounts, SplitName } from '../../core/types';

const SPLIT_COLOURS: Record<SplitName, string> = { train: '#2563eb', val: '#ea580c', test: '#16a34a' };
const SPLIT_LABELS: Record<SplitName, string> = { train: 'training', val: 'validation', test: 'test' };

/** Images per class, one bar per split present (grouped by class), with the splits in the legend. */
export function ClassDistribution({ classes, counts }: { classes: readonly string[]; counts: SplitCounts }) {
  const splits = (['train', 'val', 'test'] as const).filter((split) => counts[split]);
  const slanted = classes.length > 6;
  const data = classes.map((name) => ({
    name,
    ...Object.fromEntries(splits.map((split) => [split, counts[split]?.[name] ?? 0])),
  }));
  return (
    <figure className="chart distribution" data-testid="class-distribution">
      <figcaption>Class distribution</figcaption>
      <ResponsiveContainer width="100%" height={slanted ? 250 : 200}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {/* Many classes: slanted names, so each keeps its bar. */}
          <XAxis dataKey="name" interval={0} {...(slanted ? { angle: -40, textAnchor: 'end', height: 64 } : {})} />
          <YAxis allowDecimals={false} width={48} />
          <Tooltip />
          <Legend />
          {splits.map((split) => (
            <Bar key={split} dataKey={split} name={SPLIT_LABELS[split]} fill={SPLIT_COLOURS[split]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
