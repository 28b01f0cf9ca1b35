import type { PhotoFit } from '../../data/images';
import { AUGMENT_FIELDS, SETTING_CHOICES, settingField } from '../../engine/training';
import type { ClassWeighting, LearningRateSchedule, OptimizerName, TrainSettings } from '../../engine/training';
import { findBackboneEntry } from '../../engine/backbones';
import { AugmentPreview } from './AugmentPreview';
import { CheckboxField, FieldGroup, NumberField, SelectField } from '../shared/Fields';
import { studioActions, useStudio } from '../shared/useStudio';

/** The choices of a select, in the settings table's order, with their labels. */
const labelled = <T extends string>(values: readonly T[], labels: Readonly<Record<T, string>>): readonly (readonly [T, string])[] =>
  values.map((v) => [v, labels[v]] as const);

const OPTIMIZER_LABELS: Readonly<Record<OptimizerName, string>> = { adam: 'Adam', sgd: 'SGD + momentum' };
const SCHEDULE_LABELS: Readonly<Record<LearningRateSchedule, string>> = { constant: 'Constant', plateau: 'Halve on plateau', cosine: 'Cosine decay' };
const PHOTO_FIT_LABELS: Readonly<Record<PhotoFit, string>> = {
  crop: 'Centre crop (cut the long side)', letterbox: 'Letterbox (whole photo, grey bands)', squash: 'Squash (whole photo, stretched)',
};
const WEIGHTING_LABELS: Readonly<Record<ClassWeighting, string>> = { auto: 'Auto (when imbalanced)', balanced: 'Always', none: 'Off' };

const OPTIMIZERS = labelled(SETTING_CHOICES.optimizer, OPTIMIZER_LABELS);
const SCHEDULES = labelled(SETTING_CHOICES.schedule, SCHEDULE_LABELS);
const PHOTO_SHAPES = labelled(SETTING_CHOICES.photoFit, PHOTO_FIT_LABELS);
const WEIGHTINGS = labelled(SETTING_CHOICES.classWeighting, WEIGHTING_LABELS);

/** Every training option, grouped: the head (stage 1), how photos are made square, augmentation, stage 2 fine-tuning. */
export function SettingsForm({ disabled }: { readonly disabled: boolean }) {
  const s = useStudio((state) => state.settings);
  const update = (patch: Partial<TrainSettings>): void => studioActions().updateSettings(patch);
  const augment = (patch: Partial<TrainSettings['augment']>): void => update({ augment: { ...s.augment, ...patch } });
  // A model of the user's own is unknown after a reload until it is chosen again (the train panel says so).
  const entry = findBackboneEntry(s.backboneId);
  const scratch = entry?.kind === 'scratch';
  const maxBlocks = entry?.fineTune?.cutPoints.length ?? 0;
  return (
    <details className="advanced" data-testid="advanced-settings">
      <summary>Training options</summary>
      <FieldGroup title={scratch ? 'Training (the whole CNN, from scratch)' : 'Stage 1: the new head'}>
        <NumberField label="Batch size" value={s.batchSize} {...settingField('batchSize')} disabled={disabled} onChange={(batchSize) => update({ batchSize })} />
        <NumberField label="Learning rate" value={s.learningRate} {...settingField('learningRate')} disabled={disabled} onChange={(learningRate) => update({ learningRate })} />
        <SelectField label="Optimizer" value={s.optimizer} options={OPTIMIZERS} disabled={disabled} onChange={(optimizer) => update({ optimizer })} />
        {s.optimizer === 'sgd' && <NumberField label="Momentum" value={s.momentum} {...settingField('momentum')} disabled={disabled} onChange={(momentum) => update({ momentum })} />}
        <SelectField label="Schedule" value={s.schedule} options={SCHEDULES} disabled={disabled} onChange={(schedule) => update({ schedule })} />
        <NumberField label="Hidden units" title="0: no hidden layer" value={s.hiddenUnits} {...settingField('hiddenUnits')} disabled={disabled} onChange={(hiddenUnits) => update({ hiddenUnits })} />
        <NumberField label="Dropout" value={s.dropout} {...settingField('dropout')} disabled={disabled} onChange={(dropout) => update({ dropout })} />
        <NumberField label="L2" value={s.l2} {...settingField('l2')} disabled={disabled} onChange={(l2) => update({ l2 })} />
        <NumberField label="Label smoothing" value={s.labelSmoothing} {...settingField('labelSmoothing')} disabled={disabled} onChange={(labelSmoothing) => update({ labelSmoothing })} />
        <NumberField
          label="Unknown below (share of validation rejected)"
          title="The confidence under which Predict and Webcam answer 'unknown' is chosen on validation so that at most this share of its images falls under it; 0: never unknown"
          value={s.unknownRejectRate}
          {...settingField('unknownRejectRate')}
          disabled={disabled}
          onChange={(unknownRejectRate) => update({ unknownRejectRate })}
        />
        <CheckboxField label="Batch normalisation" checked={s.batchNorm} disabled={disabled} onChange={(batchNorm) => update({ batchNorm })} />
        <SelectField label="Class weights" value={s.classWeighting} options={WEIGHTINGS} disabled={disabled} onChange={(classWeighting) => update({ classWeighting })} />
        <CheckboxField label="Early stopping" checked={s.earlyStopping} disabled={disabled} onChange={(earlyStopping) => update({ earlyStopping })} />
        {s.earlyStopping && <NumberField label="Patience (epochs)" value={s.patience} {...settingField('patience')} disabled={disabled} onChange={(patience) => update({ patience })} />}
        <CheckboxField
          label="Search head settings first"
          title="Before training, try 9 combinations of learning rate, dropout, label smoothing and hidden units on the cached features (successive halving, judged on validation, never on test) and train with the best"
          checked={s.searchSettings && !scratch}
          disabled={disabled || scratch}
          onChange={(searchSettings) => update({ searchSettings })}
        />
        <NumberField label="Seed" value={s.seed} {...settingField('seed')} disabled={disabled} onChange={(seed) => update({ seed })} />
      </FieldGroup>
      <FieldGroup title="Images (every split)">
        <SelectField
          label="Photo shape"
          title="How photos that are not square become the backbone's square input; the preview below shows it"
          value={s.photoFit}
          options={PHOTO_SHAPES}
          disabled={disabled}
          onChange={(photoFit) => update({ photoFit })}
        />
        <CheckboxField
          label="Test-time augmentation"
          title="Also embed each validation and test image mirrored and in three 85% crops (centre, top-left, bottom-right), and report the accuracy with the five views' probabilities averaged beside the plain one (five times the held-out feature work)"
          checked={s.testTimeAugmentation}
          disabled={disabled}
          onChange={(testTimeAugmentation) => update({ testTimeAugmentation })}
        />
      </FieldGroup>
      <FieldGroup title="Augmentation (training images only)">
        <NumberField label="Augmented views per image" title="Cached once; each epoch reuses them" value={s.augmentViews} {...settingField('augmentViews')} disabled={disabled} onChange={(augmentViews) => update({ augmentViews })} />
        <CheckboxField label="Random resized crop" checked={s.augment.randomCrop} disabled={disabled} onChange={(randomCrop) => augment({ randomCrop })} />
        <NumberField label="Smallest crop area" value={s.augment.cropScaleMin} {...AUGMENT_FIELDS.cropScaleMin} disabled={disabled || !s.augment.randomCrop} onChange={(cropScaleMin) => augment({ cropScaleMin })} />
        <CheckboxField label="Horizontal flip" checked={s.augment.horizontalFlip} disabled={disabled} onChange={(horizontalFlip) => augment({ horizontalFlip })} />
        <NumberField label="Rotation (±°)" value={s.augment.rotationDeg} {...AUGMENT_FIELDS.rotationDeg} disabled={disabled} onChange={(rotationDeg) => augment({ rotationDeg })} />
        <NumberField label="Brightness (±)" value={s.augment.brightness} {...AUGMENT_FIELDS.brightness} disabled={disabled} onChange={(brightness) => augment({ brightness })} />
        <NumberField label="Contrast (±)" value={s.augment.contrast} {...AUGMENT_FIELDS.contrast} disabled={disabled} onChange={(contrast) => augment({ contrast })} />
        <NumberField label="Saturation (±)" value={s.augment.saturation} {...AUGMENT_FIELDS.saturation} disabled={disabled} onChange={(saturation) => augment({ saturation })} />
      </FieldGroup>
      <AugmentPreview />
      {!scratch && (
        <FieldGroup title="Stage 2: fine-tune the top of the backbone">
          <CheckboxField
            label="Fine-tune after the head"
            checked={s.fineTune && maxBlocks > 0}
            disabled={disabled || maxBlocks === 0}
            title={maxBlocks === 0 ? 'This backbone cannot be split for fine-tuning' : undefined}
            onChange={(fineTune) => update({ fineTune })}
          />
          {s.fineTune && maxBlocks > 0 && (
            <>
              <NumberField
                label={`Blocks to unfreeze (1-${maxBlocks})`}
                value={s.fineTuneBlocks ?? entry?.fineTune?.defaultBlocks ?? 1}
                min={settingField('fineTuneBlocks').min}
                max={maxBlocks}
                disabled={disabled}
                onChange={(fineTuneBlocks) => update({ fineTuneBlocks })}
              />
              <NumberField label="Epochs" value={s.fineTuneEpochs} {...settingField('fineTuneEpochs')} disabled={disabled} onChange={(fineTuneEpochs) => update({ fineTuneEpochs })} />
              <NumberField label="Learning rate" value={s.fineTuneLearningRate} {...settingField('fineTuneLearningRate')} disabled={disabled} onChange={(fineTuneLearningRate) => update({ fineTuneLearningRate })} />
            </>
          )}
        </FieldGroup>
      )}
    </details>
  );
}
