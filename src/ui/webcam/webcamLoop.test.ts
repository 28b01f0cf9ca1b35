import { describe, expect, it } from 'vitest';
import { cameraErrorMessage, NoCameraApiError } from './webcamCamera';
import { createRateMeter } from './webcamLoop';

describe('createRateMeter', () => {
  it('measures events per second over the window', () => {
    const meter = createRateMeter(2000);
    expect(meter.tick(0)).toBeNull();
    expect(meter.tick(100)).toBeCloseTo(10);
    for (let t = 200; t <= 1000; t += 100) meter.tick(t);
    expect(meter.tick(1100)).toBeCloseTo(10);
    // After a pause, old events leave the window: the rate follows the new pace.
    meter.tick(5000);
    expect(meter.tick(5050)).toBeCloseTo(20);
  });
});

describe('cameraErrorMessage', () => {
  const named = (name: string): DOMException => new DOMException('browser text', name);
  it('says what happened and what to do', () => {
    expect(cameraErrorMessage(named('NotAllowedError'))).toMatch(/^Camera permission was denied\. Allow the camera/);
    expect(cameraErrorMessage(named('NotFoundError'))).toMatch(/^No camera was found/);
    expect(cameraErrorMessage(named('NotReadableError'))).toMatch(/another application/);
    expect(cameraErrorMessage(new NoCameraApiError('none'))).toMatch(/secure page/);
    expect(cameraErrorMessage(new Error('odd'))).toBe('The camera could not be started: odd');
  });
});
