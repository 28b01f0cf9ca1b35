/**
 * The argument checks of `trainLoop`: labels that are class indices, a non-empty training set, class weights
 * of the right length, and settings in the ranges of `NUMBER_SETTINGS[key].loop`. Each failure throws an
 * `Error` naming the argument.
 */
import { NUMBER_SETTINGS, inRange } from './settings';
import type { LoopCheckedSetting, NumberSettingKey, NumberSettingSpec, TrainSettings } from './settings';

/** The settings the loop checks against `NUMBER_SETTINGS[key].loop`, in the table's order. */
const LOOP_CHECKED = (Object.keys(NUMBER_SETTINGS) as NumberSettingKey[]).filter(
  (key): key is LoopCheckedSetting => (NUMBER_SETTINGS[key] as NumberSettingSpec).loop !== undefined,
);

/** What `checkLoopArgs` reads of `TrainLoopArgs`. */
export interface CheckedLoopArgs {
  readonly train: { readonly size: number };
  readonly yTrain: ArrayLike<number>;
  readonly val: { readonly size: number };
  readonly yVal: ArrayLike<number>;
  readonly numClasses: number;
  readonly variables: readonly unknown[];
  readonly classWeights: readonly number[] | null;
  readonly settings: Pick<TrainSettings, LoopCheckedSetting>;
}

/** Throws when the loop cannot run on `args` (see `TrainLoopArgs` for what each must be). */
export function checkLoopArgs(args: CheckedLoopArgs): void {
  const { train, val, numClasses, settings, classWeights } = args;
  if (!(Number.isInteger(numClasses) && numClasses >= 2)) throw new Error(`trainLoop: numClasses must be >= 2, got ${numClasses}`);
  checkLabels('yTrain', args.yTrain, train.size, numClasses);
  checkLabels('yVal', args.yVal, val.size, numClasses);
  if (train.size === 0) throw new Error('trainLoop: the training set is empty');
  if (args.variables.length === 0) throw new Error('trainLoop: no variables to train');
  if (classWeights !== null && (classWeights.length !== numClasses || !classWeights.every((w) => w >= 0 && Number.isFinite(w)))) {
    throw new Error(`trainLoop: classWeights must be ${numClasses} finite numbers >= 0, got [${classWeights.join(', ')}]`);
  }
  const problems = LOOP_CHECKED.filter((key) => {
    const spec = NUMBER_SETTINGS[key];
    return !inRange(settings[key], spec.loop, spec.integer);
  }).map((key) => `${key} ${settings[key]}`);
  if (problems.length > 0) throw new Error(`trainLoop: invalid settings: ${problems.join(', ')}`);
}

function checkLabels(name: string, labels: ArrayLike<number>, rows: number, numClasses: number): void {
  if (labels.length !== rows) throw new Error(`trainLoop: ${name} has ${labels.length} labels for ${rows} rows`);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new Error(`trainLoop: ${name}[${i}] = ${y} is not a class index in [0, ${numClasses})`);
    }
  }
}
