import { ALL_BACKBONES } from '../../engine/backbones';
import { useStudio } from '../shared/useStudio';

/** Says plainly when no backbone weights are served from this origin, and how to fix it. */
export function ModelsNotice() {
  const models = useStudio((s) => s.models);
  const backboneId = useStudio((s) => s.settings.backboneId);
  if (models === null) return null;
  const available = models === 'unreachable' ? [] : models.available;
  const entry = ALL_BACKBONES.find((b) => b.id === backboneId);
  // The scratch CNN has no weights to serve; online and custom backbones are never served from here.
  if (!entry || available.includes(backboneId) || entry.kind === 'scratch' || entry.online) return null;
  const label = entry.label;
  return (
    <div className="notice warning" role="status" data-testid="models-notice">
      <strong>{label}: no local weights.</strong>{' '}
      {available.length === 0 ? 'No backbone weights are served with the studio. ' : ''}
      Training will try the model&apos;s public URL, which needs a network. To work offline, put the weights in{' '}
      <code>../shared/models</code> beside the project and run <code>npm run models</code> (or <code>npm start</code>).
    </div>
  );
}
