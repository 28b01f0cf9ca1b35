import { useMemo } from 'react';
import { sampleItems } from '../../data/inspect';
import { previewFile } from '../shared/previewFile';
import { Thumbnail } from '../shared/Thumbnail';
import { useStudio } from '../shared/useStudio';
import { Gallery } from '../shared/Gallery';

const SAMPLE_SIZE = 12;

/** A sample of the training images with their labels, shown once a folder is chosen. */
export function SampleBatch() {
  const dataset = useStudio((s) => s.dataset);
  const files = useStudio((s) => s.files);
  const scan = useStudio((s) => s.scan);
  const sample = useMemo(() => (dataset ? sampleItems(dataset.items, 'train', SAMPLE_SIZE) : []), [dataset]);
  if (!dataset || sample.length === 0) return null;
  return (
    <div className="sample" data-testid="sample-batch">
      <h3>A sample of the training images</h3>
      <Gallery label="A sample of the training images">
        {sample.map((item) => (
          <Thumbnail key={item.path} file={previewFile(scan, files, item.fileIndex)} path={item.path}>
            <strong className="label">{dataset.classes[item.classIndex]}</strong>
          </Thumbnail>
        ))}
      </Gallery>
    </div>
  );
}
