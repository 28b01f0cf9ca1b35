/** Front door of engine/backbones: the catalog, loading (built-in, online, your own) and the split for stage 2. */
export { loadBackbone } from './backbones';
export type { Backbone } from './backbones';
export { ALL_BACKBONES, BACKBONES, CUSTOM_ID_PREFIX, INPUT_SCALINGS, ONLINE_BACKBONES, SCRATCH_BACKBONE } from './catalog';
export { findBackboneEntry, getBackboneEntry, registerUserBackbone } from './registry';
export type { BackboneEntry, InputScaling } from './catalog';
export { buildCustomEntry, fineTuneFor, inspectModelJson, scalingPreview } from './customBackbone';
export type { CustomBackbone, CustomModelOrigin, ModelInspection } from './customBackbone';
export { collectModelFiles, modelName, readModelJson } from './customBackboneFiles';
export type { FeatureCandidate } from './customBackboneTopology';
export { cachingFetch, downloadBackbone, modelJsonUrl } from './onlineBackbones';
