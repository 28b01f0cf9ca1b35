/**
 * What the benchmarks ran on, as the page sees it: the browser, the cores, cross-origin isolation, and what
 * the GPU APIs offer (WebGPU adapter, WebGL renderer), hardware or software.
 */
import * as tf from '@tensorflow/tfjs';

/** The browser and machine as the page sees them. */
export interface EnvironmentInfo {
  readonly userAgent: string;
  readonly hardwareConcurrency: number;
  /** `navigator.deviceMemory` (GiB, rounded by the browser), where offered. */
  readonly deviceMemoryGiB: number | null;
  readonly crossOriginIsolated: boolean;
  readonly tfjsVersion: string;
  /** e.g. `Google SwiftShader (fallback adapter)`, or why there is none. */
  readonly webgpu: string;
  /** e.g. `ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))`, or why there is none. */
  readonly webgl: string;
}

interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}
interface NavigatorExtras {
  readonly deviceMemory?: number;
  readonly gpu?: { requestAdapter(): Promise<{ readonly info?: AdapterInfoLike; readonly isFallbackAdapter?: boolean } | null> };
}

async function describeWebGpu(): Promise<string> {
  const gpu = (navigator as NavigatorExtras).gpu;
  if (!gpu) return 'not offered';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no adapter';
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  return `${name}${fallback ? ' (fallback adapter: software)' : ''}`;
}

function describeWebGl(): string {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'no WebGL2 context';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

/** Describes this browser and machine. */
export async function describeEnvironment(): Promise<EnvironmentInfo> {
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    deviceMemoryGiB: (navigator as NavigatorExtras).deviceMemory ?? null,
    crossOriginIsolated,
    tfjsVersion: tf.version.tfjs,
    webgpu: await describeWebGpu(),
    webgl: describeWebGl(),
  };
}
