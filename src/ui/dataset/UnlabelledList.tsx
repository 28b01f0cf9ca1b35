import type { UnlabelledImage } from '../../core/types';
import { MAX_LISTED } from './DatasetNotes';

/** The images no label names (a test set without answers): counted, listed, and said to be kept aside. */
export function UnlabelledList({ unlabelled }: { readonly unlabelled: readonly UnlabelledImage[] }) {
  if (unlabelled.length === 0) return null;
  return (
    <details className="skipped" data-testid="unlabelled-images">
      <summary data-testid="unlabelled-count">
        {unlabelled.length} unlabelled {unlabelled.length === 1 ? 'image' : 'images'} kept aside: not trained on;
        classify them under Classify new images once a model is trained
      </summary>
      <ul>
        {unlabelled.slice(0, MAX_LISTED).map((image) => (
          <li key={image.path} data-testid="unlabelled-image">
            <code>{image.path}</code>
          </li>
        ))}
        {unlabelled.length > MAX_LISTED && <li className="muted">and {unlabelled.length - MAX_LISTED} more</li>}
      </ul>
    </details>
  );
}
