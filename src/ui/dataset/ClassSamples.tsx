import { useMemo } from 'react';
import type { DatasetItem } from '../../core/types';
import { previewFile } from '../shared/previewFile';
import { Thumbnail } from '../shared/Thumbnail';
import { useStudio } from '../shared/useStudio';
import { Gallery } from '../shared/Gallery';

/** Images shown per class. */
const PER_CLASS = 4;

/** The first `PER_CLASS` items of each class, in dataset order (training images first). */
function firstOfEachClass(items: readonly DatasetItem[], classCount: number): DatasetItem[][] {
  const byClass: DatasetItem[][] = Array.from({ length: classCount }, () => []);
  const ordered = [...items.filter((i) => i.split === 'train'), ...items.filter((i) => i.split !== 'train')];
  for (const item of ordered) {
    const list = byClass[item.classIndex];
    if (list && list.length < PER_CLASS) list.push(item);
  }
  return byClass;
}

/** A few images of every class, one row per class, from the scan's previews when it has run. */
export function ClassSamples() {
  const dataset = useStudio((s) => s.dataset);
  const files = useStudio((s) => s.files);
  const scan = useStudio((s) => s.scan);
  const rows = useMemo(() => (dataset ? firstOfEachClass(dataset.items, dataset.classes.length) : []), [dataset]);
  if (!dataset) return null;
  return (
    <div className="class-samples" data-testid="class-samples">
      <h3>A few images of each class</h3>
      <div className="class-grid">
        {rows.map((items, classIndex) => {
          const name = dataset.classes[classIndex] ?? '';
          return (
            <div key={classIndex} className="class-row" data-testid={`class-samples-${classIndex}`}>
              <h4>{name}</h4>
              <Gallery label={`Images of ${name}`}>
                {items.map((item) => (
                  <Thumbnail key={item.path} file={previewFile(scan, files, item.fileIndex)} path={item.path} />
                ))}
              </Gallery>
            </div>
          );
        })}
      </div>
    </div>
  );
}
