import { useEffect, useMemo, useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import { CancelledError, errorMessage } from '../../core/errors';
import type { StudioReport } from '../../engine/evaluation';
import { mapInWorker } from '../../engine/labels';
import type { RunEmbeddings } from '../../engine/labels';
import { isActive } from '../../state';
import { downloadText } from '../shared/download';
import { useFileOfPath } from '../shared/previewFile';
import { Thumbnail } from '../shared/Thumbnail';
import { useStudio } from '../shared/useStudio';
import { MAP_PAD_PX, classColour, nearestPoint, pointsInLasso, toScreen } from './mapGeometry';
import { MapSelection } from './MapSelection';

/** The canvas is square, as wide as its box up to this (CSS px). */
const MAX_SIZE_PX = 640;
const HOVER_RADIUS_PX = 8;

type Layout = { readonly kind: 'idle' } | { readonly kind: 'running'; readonly fraction: number } | { readonly kind: 'error'; readonly message: string } | { readonly kind: 'done'; readonly points: Float32Array };

/**
 * The run's images laid out in 2-D by their features (UMAP in a worker), one point per image coloured by its
 * class now, with labels to check and held-out mistakes ringed: hover for the image, click to pick one, drag
 * a lasso to pick many, then relabel or leave them out. Drawn on one canvas (no element per point).
 */
export function EmbeddingMap({ report, embeddings }: { report: StudioReport; embeddings: RunEmbeddings }) {
  const fileOf = useFileOfPath();
  const itemsByPath = useStudio((s) => s.itemsByPath);
  const classes = useStudio((s) => s.dataset?.classes ?? report.classes);
  const training = useStudio((s) => isActive(s.run.status));
  const [layout, setLayout] = useState<Layout>({ kind: 'idle' });
  const [size, setSize] = useState(MAX_SIZE_PX);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [selection, setSelection] = useState<readonly number[]>([]);
  const [lasso, setLasso] = useState<[number, number][] | null>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const boxRef = useRef<HTMLDivElement | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const n = embeddings.files.length;

  const suspects = useMemo(() => new Set(report.labelIssues?.map((i) => i.file)), [report]);
  const mistakes = useMemo(() => new Set(report.predictions.filter((p) => p.trueClass !== p.predictedClass).map((p) => p.file)), [report]);
  const classOf = (i: number): number => itemsByPath.get(embeddings.files[i] ?? '')?.classIndex ?? -1;

  useEffect(() => () => abortRef.current?.abort(), []);
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return undefined;
    const observer = new ResizeObserver(() => setSize(Math.max(200, Math.min(MAX_SIZE_PX, Math.floor(box.clientWidth)))));
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  const draw = (): void => {
    const canvas = canvasRef.current;
    if (!canvas || layout.kind !== 'done') return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size * ratio;
    canvas.height = size * ratio;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size, size);
    const chosen = new Set(selection);
    for (let i = 0; i < n; i++) {
      const [x, y] = toScreen(layout.points, i, size);
      const file = embeddings.files[i] ?? '';
      ctx.fillStyle = classColour(classOf(i));
      ctx.beginPath();
      ctx.arc(x, y, chosen.has(i) ? 4.5 : 3, 0, 2 * Math.PI);
      ctx.fill();
      if (suspects.has(file) || mistakes.has(file) || chosen.has(i)) {
        ctx.strokeStyle = chosen.has(i) ? '#111827' : suspects.has(file) ? '#000000' : '#dc2626';
        ctx.lineWidth = chosen.has(i) ? 2 : 1.2;
        ctx.stroke();
      }
    }
    if (lasso && lasso.length > 1) {
      ctx.strokeStyle = '#111827';
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      lasso.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.closePath();
      ctx.stroke();
      ctx.setLineDash([]);
    }
  };
  useEffect(draw);

  const start = (): void => {
    abortRef.current?.abort();
    const controller = new AbortController();
    abortRef.current = controller;
    setLayout({ kind: 'running', fraction: 0 });
    setSelection([]);
    mapInWorker(embeddings.values, embeddings.dim, {
      seed: report.settings.seed, signal: controller.signal, onProgress: (done, total) => setLayout({ kind: 'running', fraction: done / total }),
    }).then(
      (points) => setLayout({ kind: 'done', points }),
      (error: unknown) => setLayout(error instanceof CancelledError ? { kind: 'idle' } : { kind: 'error', message: errorMessage(error) }),
    );
  };

  const at = (event: ReactPointerEvent<HTMLCanvasElement>): [number, number] => {
    const rect = event.currentTarget.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  // The lasso being drawn is kept in a ref too: pointer events can come faster than renders.
  const lassoRef = useRef<[number, number][] | null>(null);
  const setLassoNow = (next: [number, number][] | null): void => {
    lassoRef.current = next;
    setLasso(next);
  };
  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>): void => {
    event.currentTarget.setPointerCapture(event.pointerId);
    setLassoNow([at(event)]);
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>): void => {
    if (layout.kind !== 'done') return;
    const [x, y] = at(event);
    const drawing = lassoRef.current;
    if (drawing) {
      const last = drawing[drawing.length - 1] as [number, number];
      if (Math.hypot(x - last[0], y - last[1]) > 3) setLassoNow([...drawing, [x, y]]);
      return;
    }
    const index = nearestPoint(layout.points, size, x, y, HOVER_RADIUS_PX);
    setHover(index < 0 ? null : { index, x, y });
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLCanvasElement>): void => {
    const drawing = lassoRef.current;
    if (layout.kind !== 'done' || !drawing) return;
    const [x, y] = at(event);
    setLassoNow(null);
    if (drawing.length >= 3) setSelection(pointsInLasso(layout.points, size, [...drawing, [x, y]]));
    else {
      const index = nearestPoint(layout.points, size, x, y, HOVER_RADIUS_PX);
      setSelection(index < 0 ? [] : [index]);
    }
  };

  const csv = (points: Float32Array): string =>
    ['file,x,y,class,split', ...embeddings.files.map((file, i) => {
      const item = itemsByPath.get(file);
      const cells = [file, (points[2 * i] ?? 0).toFixed(5), (points[2 * i + 1] ?? 0).toFixed(5), item ? (classes[item.classIndex] ?? '') : '', item?.split ?? ''];
      return cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
    })].join('\n') + '\n';
  const hovered = hover ? itemsByPath.get(embeddings.files[hover.index] ?? '') : undefined;

  return (
    <div className="embedding-map" data-testid="embedding-map">
      <h3>Embedding map</h3>
      <p className="muted">
        The {n} images laid out by their features (UMAP, seeded): images the backbone sees as alike lie close. Colour: the class
        now; black ring: a label to check; red ring: a held-out mistake. Drag a lasso to pick images.
      </p>
      {layout.kind === 'idle' && (
        <button type="button" onClick={start}>
          Draw the map of {n} images
        </button>
      )}
      {layout.kind === 'running' && (
        <p role="status" data-testid="map-progress">
          Laying out the map… {Math.round(layout.fraction * 100)}%{' '}
          <button type="button" onClick={() => abortRef.current?.abort()}>
            Cancel
          </button>
        </p>
      )}
      {layout.kind === 'error' && (
        <p className="notice warning" role="alert">
          The map could not be drawn: {layout.message} <button type="button" onClick={start}>Try again</button>
        </p>
      )}
      <div ref={boxRef} className="map-box">
        {layout.kind === 'done' && (
          <>
            <ul className="map-legend">
              {classes.map((name, c) => (
                <li key={name}>
                  <span className="swatch" style={{ background: classColour(c) }} /> {name}
                </li>
              ))}
            </ul>
            <div className="map-canvas">
            <canvas
              ref={canvasRef}
              data-testid="map-canvas"
              data-pad={MAP_PAD_PX}
              data-points={n}
              role="img"
              aria-label={`Embedding map of ${n} images`}
              style={{ width: size, height: size }}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerLeave={() => setHover(null)}
            />
            {hover && !lasso && (
              <div className="map-tooltip" style={{ left: Math.min(hover.x + 14, size - 130), top: hover.y + 14 }} data-testid="map-tooltip">
                <Thumbnail file={fileOf(embeddings.files[hover.index] ?? '')} path={embeddings.files[hover.index] ?? ''}>
                  <span>{hovered ? `${classes[hovered.classIndex] ?? ''}, ${hovered.split}` : 'left out'}</span>
                </Thumbnail>
              </div>
            )}
            </div>
            <button type="button" onClick={() => downloadText('embedding-map.csv', csv(layout.points), 'text/csv')}>
              Download embedding-map.csv
            </button>
          </>
        )}
      </div>
      {layout.kind === 'done' && selection.length > 0 && (
        <MapSelection files={selection.map((i) => embeddings.files[i] ?? '')} disabled={training} onClear={() => setSelection([])} />
      )}
    </div>
  );
}
