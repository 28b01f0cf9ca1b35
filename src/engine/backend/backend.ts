/**
 * The one place that chooses and initialises the TensorFlow.js backend. It probes what the browser offers
 * (WebGPU, then WebGL, then WASM, then CPU), skips GPU adapters that are software emulations (SwiftShader,
 * llvmpipe: correct but tens of times slower than WASM), and publishes what it found as one frozen object.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { hasConvolutionGradients, registerWasmGradientKernels } from './wasmGradients';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Preference order when the user leaves the choice to the studio. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What one backend probe found. */
export interface BackendProbe {
  readonly name: BackendName;
  /** Whether the backend initialised (or would, for probes skipped on purpose). */
  readonly usable: boolean;
  readonly note: string;
}

/** The backend in use, why, and what else was tried. */
export interface BackendInfo {
  readonly name: BackendName;
  readonly reason: string;
  readonly probes: readonly BackendProbe[];
  /** WASM compute threads running (1 for the single-threaded build); 0 on the other backends. */
  readonly threads: number;
}

/** Options for {@link initBackend}. */
export interface InitBackendOptions {
  /** `auto` (default) or one backend the user asked for; a failing forced backend falls back to auto. */
  readonly preference?: 'auto' | BackendName;
  /** URLs of the WASM binaries (Vite `?url` imports), keyed by file name. */
  readonly wasmPaths?: Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;
  /**
   * WASM compute threads; 1 or absent: the single-threaded build. More needs cross-origin isolation (else
   * tfjs falls back to one thread), and replaces tfjs's own choice of half the logical cores. See
   * `wasmThreadsFor`.
   */
  readonly wasmThreads?: number;
}

interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly isFallbackAdapter?: boolean; readonly vendor?: string; readonly architecture?: string; readonly description?: string };
}
interface NavigatorWithGpu {
  readonly gpu?: { requestAdapter(options?: object): Promise<GpuAdapterLike | null> };
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

async function probeWebGpu(): Promise<BackendProbe> {
  const nav = (globalThis as { navigator?: NavigatorWithGpu }).navigator;
  if (!nav?.gpu) return { name: 'webgpu', usable: false, note: 'this browser has no WebGPU' };
  const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return { name: 'webgpu', usable: false, note: 'no WebGPU adapter' };
  const software = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const desc = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ');
  if (software || SOFTWARE_RENDERER.test(desc)) {
    return { name: 'webgpu', usable: false, note: `adapter is a software fallback${desc ? ` (${desc})` : ''}` };
  }
  return { name: 'webgpu', usable: true, note: desc || 'hardware adapter' };
}

function probeWebGl(): BackendProbe {
  if (typeof OffscreenCanvas === 'undefined') return { name: 'webgl', usable: false, note: 'no OffscreenCanvas' };
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { name: 'webgl', usable: false, note: 'no WebGL2 context' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  if (SOFTWARE_RENDERER.test(renderer)) {
    return { name: 'webgl', usable: false, note: `renderer is software (${renderer})` };
  }
  return { name: 'webgl', usable: true, note: renderer };
}

async function trySet(name: BackendName): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return 'did not initialise';
    await tf.ready();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

let current: BackendInfo | null = null;

/** The threaded WASM build starts at most this many helper threads (tfjs pre-creates 8 workers). */
export const MAX_WASM_THREADS = 8;

/**
 * The WASM compute threads for a machine with `cores` logical cores: every core, up to `MAX_WASM_THREADS`
 * (measured on 2 cores: MobileNetV2 1.0 features at 1.62x one thread's rate, `npm run bench`). A machine
 * without cross-origin isolation gets one, as the threaded build cannot start there.
 */
export function wasmThreadsFor(cores: number | undefined, isolated: boolean): number {
  if (!isolated || typeof cores !== 'number' || !Number.isFinite(cores)) return 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(cores)));
}

/**
 * Chooses, initialises and returns the backend. Auto order: a hardware WebGPU adapter, a hardware WebGL
 * context, WASM (SIMD, threaded when `options.wasmThreads` > 1), CPU. A WASM reason ends with the threads it
 * runs on ("fastest available; 2 threads").
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const threads = options.wasmThreads ?? 1;
  if (threads > 1) {
    // The threaded backend caps its threads at half of `navigator.hardwareConcurrency`, read when its binary
    // starts: it is told the cores it should count as twice the threads wanted (this worker's navigator only).
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
    setThreadsCount(threads);
  } else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (options.wasmPaths) setWasmPaths(options.wasmPaths);
  const preference = options.preference ?? 'auto';
  const probes: BackendProbe[] = [];
  if (preference !== 'auto') {
    const failure = await trySet(preference);
    if (failure === null) return publish({ name: preference, reason: `chosen by you`, probes });
    probes.push({ name: preference, usable: false, note: failure });
  }
  probes.push(await probeWebGpu(), probeWebGl());
  for (const name of BACKEND_ORDER) {
    const probe = probes.find((p) => p.name === name);
    if (probe && !probe.usable) continue;
    const failure = await trySet(name);
    if (failure === null) {
      const skipped = probes.filter((p) => !p.usable).map((p) => `${p.name}: ${p.note}`);
      const why = skipped.length > 0 ? `fastest that works here (${skipped.join('; ')})` : 'fastest available';
      return publish({ name, reason: why, probes });
    }
    probes.push({ name, usable: false, note: failure });
  }
  throw new Error(`No TensorFlow.js backend initialised: ${probes.map((p) => `${p.name}: ${p.note}`).join('; ')}`);
}

function publish(info: Omit<BackendInfo, 'threads'>): BackendInfo {
  // The WASM kernels' fast paths (and the gradients tfjs lacks) from the start: the head trains on them too.
  if (info.name === 'wasm') registerWasmGradientKernels();
  const threads = info.name === 'wasm' ? getThreadsCount() : 0;
  const reason = threads > 0 ? `${info.reason}; ${threads} thread${threads === 1 ? '' : 's'}` : info.reason;
  current = Object.freeze({ ...info, reason, threads, probes: Object.freeze([...info.probes]) });
  return current;
}

/** The backend chosen by the last {@link initBackend}, or null before it ran. */
export function currentBackend(): BackendInfo | null {
  return current;
}

/** The backend stage 2 (fine-tuning convolutions) runs on, and why. */
export interface TrainingBackend {
  readonly backend: BackendName;
  readonly reason: string;
}

/**
 * Makes sure the current backend can compute convolution gradients before stage 2, and says so. WASM gets
 * the studio's gradient kernels (tfjs's WASM backend ships none); WebGPU, WebGL and CPU have their own. A
 * backend without them (none today) would hand over to the CPU backend, which has every kernel.
 */
export async function prepareFineTuneBackend(): Promise<TrainingBackend> {
  const name = tf.getBackend() as BackendName;
  if (name === 'wasm') registerWasmGradientKernels();
  if (hasConvolutionGradients(name)) {
    const reason = name === 'wasm'
      ? 'WASM, with the studio\'s convolution-gradient kernels (tfjs has none for WASM); no hardware GPU here'
      : `${name}, the backend that computed the features (it has convolution gradients)`;
    return { backend: name, reason };
  }
  await tf.setBackend('cpu');
  return { backend: 'cpu', reason: `${name} cannot compute convolution gradients; the CPU backend can (slowly)` };
}
