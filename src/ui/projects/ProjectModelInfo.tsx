import { useEffect, useState } from 'react';
import { nextTask } from '../shared/nextTask';
import { useStudio } from '../shared/useStudio';

/** First 12 hex digits of the SHA-256 of `data`. */
async function fingerprint(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The classifier the project keeps: what it is, and a fingerprint of its weights (the same model shows the same one). */
export function ProjectModelInfo() {
  const classifier = useStudio((s) => s.classifier);
  const [print, setPrint] = useState<{ of: ArrayBuffer; value: string } | null>(null);
  const data = classifier?.model.weightData;
  useEffect(() => {
    if (!data) return;
    let live = true;
    // Hashing copies the weights: not in the task that delivers the model.
    void nextTask()
      .then(() => (live ? fingerprint(data) : null))
      .then((value) => live && value !== null && setPrint({ of: data, value }));
    return () => {
      live = false;
    };
  }, [data]);
  if (!classifier) return null;
  const { model } = classifier;
  return (
    <p className="muted" data-testid="project-model">
      Model kept with the project: {classifier.origin === 'trained' ? 'trained' : 'imported'} on {model.backbone}, classes{' '}
      {model.labels.join(', ')}; weights {print && print.of === data ? print.value : '…'}
    </p>
  );
}
