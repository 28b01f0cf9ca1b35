import { describe, expect, it } from 'vitest';
import { bytesIn, formatBytes } from './bytes';

describe('formatBytes', () => {
  it('decimal: powers of 1000, as browsers show storage', () => {
    expect(formatBytes(999, 'decimal')).toBe('999 B');
    expect(formatBytes(1000, 'decimal')).toBe('1.0 kB');
    expect(formatBytes(2_345_678, 'decimal')).toBe('2.3 MB');
    expect(formatBytes(518_720, 'decimal')).toBe('519 kB');
    expect(formatBytes(12_000_000_000, 'decimal')).toBe('12 GB');
    expect(formatBytes(5e15, 'decimal')).toBe('5000 TB');
  });

  it('binary: powers of 1024, named KiB, MiB, GiB', () => {
    expect(formatBytes(1023, 'binary')).toBe('1023 B');
    expect(formatBytes(1024, 'binary')).toBe('1.0 KiB');
    expect(formatBytes(340 * 2 ** 20, 'binary')).toBe('340 MiB');
    expect(formatBytes(1.5 * 2 ** 30, 'binary')).toBe('1.5 GiB');
  });

  it('fixed decimals when asked', () => {
    expect(formatBytes(1_022_067, 'decimal', 2)).toBe('1.02 MB');
    expect(formatBytes(1_022_067, 'binary', 2)).toBe('998.11 KiB');
  });
});

describe('bytesIn', () => {
  it('counts in one decimal unit', () => {
    expect(bytesIn(2_500_000, 'MB')).toBe(2.5);
    expect(bytesIn(1500, 'kB')).toBe(1.5);
  });
});
