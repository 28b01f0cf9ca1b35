import { formatBytes } from '../../core/bytes';
import { useStudio } from '../shared/useStudio';

const NO_CLASSES: readonly string[] = [];

/** What the run decided: stages and epochs, views per image, the memory it needs, the blocks fine-tuned, and the class weights. */
export function RunPlanSummary() {
  const plan = useStudio((s) => s.run.plan);
  const classes = useStudio((s) => s.dataset?.classes ?? NO_CLASSES);
  if (!plan) return null;
  return (
    <div className="plan muted" data-testid="run-plan">
      <p>
        {plan.stage1Epochs > 0 ? `Stage 1: the head, up to ${plan.stage1Epochs} epochs` : 'Trained from scratch'}
        {plan.stage2Epochs > 0 && plan.fineTune
          ? `; stage 2: the top ${plan.fineTune.blocks} block(s) of the backbone (cut at ${plan.fineTune.cutName}, cached activations ${plan.fineTune.activationShape.join('×')}), up to ${plan.stage2Epochs} epochs`
          : plan.stage2Epochs > 0
            ? ` for up to ${plan.stage2Epochs} epochs`
            : ''}
        . {plan.viewsPerImage} view(s) per training image.
      </p>
      {/* Reports made before memory plans existed have none. */}
      {plan.memory && (
        <p data-testid="memory-plan" className={plan.memory.note ? 'note warning' : undefined}>
          Memory: about {formatBytes(plan.memory.estimatedBytes, 'binary')} of the {formatBytes(plan.memory.budgetBytes, 'binary')} this device can give a run.
          {plan.memory.note && <> {plan.memory.note}</>}
        </p>
      )}
      <p data-testid="class-weights">
        Class weights {plan.classWeightsReason}
        {plan.classWeights && (
          <>
            :{' '}
            {plan.classWeights.map((w, i) => `${classes[i] ?? i} ${w.toFixed(2)}`).join(', ')}
          </>
        )}
      </p>
    </div>
  );
}
