/** Front door of engine/backend: the one place that chooses and starts a TensorFlow.js backend. */
export { BACKEND_ORDER, initBackend, prepareFineTuneBackend } from './backend';
export type { BackendName } from './backend';
export { WASM_PATHS } from './wasmPaths';
