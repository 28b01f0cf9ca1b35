/** Front door of engine/features: the memory plan and the features (and activations) cached per image view. */
export type { SplitCache } from './extract';
export { RowStore } from './rowStore';
