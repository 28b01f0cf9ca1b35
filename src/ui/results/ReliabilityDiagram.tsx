import type { ReliabilityBin } from '../../engine/evaluation';

const SIZE = 150;
const PAD = 22;
const INNER = SIZE - PAD - 6;

/** Where a value in [0, 1] lies on the plot: x from the left, y from the top. */
const at = (v: number): number => PAD + v * INNER;
const up = (v: number): number => 6 + (1 - v) * INNER;

/**
 * A reliability diagram of one held-out split: for each confidence bin that holds images, the accuracy of its
 * images (bars after the temperature, a dashed outline before) against the diagonal of perfect calibration.
 * Bins are the report's (equal width over confidence; a bar's width is its bin's).
 */
export function ReliabilityDiagram(props: {
  readonly split: string;
  readonly before: readonly ReliabilityBin[];
  readonly after: readonly ReliabilityBin[];
}) {
  const bins = Math.max(props.before.length, props.after.length, 1);
  const width = INNER / bins;
  const bars = (list: readonly ReliabilityBin[], className: string) =>
    list.map((b, i) =>
      b.count > 0 ? (
        <rect key={`${className}-${i}`} className={className} x={at(i / bins)} y={up(b.accuracy)} width={width} height={Math.max(0, INNER - (up(b.accuracy) - 6))}>
          <title>{`${(i / bins) * 100}-${((i + 1) / bins) * 100}% confidence: ${b.count} images, ${(b.accuracy * 100).toFixed(1)}% right`}</title>
        </rect>
      ) : null,
    );
  const filled = props.after.filter((b) => b.count > 0).length;
  return (
    <figure data-testid={`reliability-${props.split}`} data-bins={filled}>
      <svg width={SIZE} height={SIZE} role="img" aria-label={`Reliability diagram of the ${props.split} split: accuracy against confidence, ${filled} bins with images`}>
        <rect x={PAD} y={6} width={INNER} height={INNER} className="reliability-frame" />
        {bars(props.after, 'reliability-after')}
        {bars(props.before, 'reliability-before')}
        <line x1={at(0)} y1={up(0)} x2={at(1)} y2={up(1)} className="reliability-diagonal" />
        <text x={PAD} y={SIZE - 4} className="reliability-axis">0</text>
        <text x={SIZE - 14} y={SIZE - 4} className="reliability-axis">1</text>
        <text x={2} y={14} className="reliability-axis">1</text>
      </svg>
      <figcaption>{props.split}: accuracy (bars: calibrated, dashed: before) by confidence</figcaption>
    </figure>
  );
}
