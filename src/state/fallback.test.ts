import { describe, expect, it } from 'vitest';
import { nextBackend } from './studioStore';

describe('nextBackend', () => {
  it('follows the order of preference, WebGPU to CPU, and has none after CPU', () => {
    expect(nextBackend('webgpu')).toBe('webgl');
    expect(nextBackend('webgl')).toBe('wasm');
    expect(nextBackend('wasm')).toBe('cpu');
    expect(nextBackend('cpu')).toBeNull();
  });
});
