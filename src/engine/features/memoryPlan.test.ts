import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { formatBytes } from '../../core/bytes';
import { DEFAULT_MEMORY_BUDGET_BYTES, estimateMemory, memoryBudgetBytes, planMemory } from './memoryPlan';
import type { MemoryPlanInput } from './memoryPlan';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** 10,000 images (8,000 for training) on MobileNetV2 1.0, two-stage at 2 blocks ([7, 7, 160] at the cut). */
const big: MemoryPlanInput = {
  trainImages: 8000, heldOutImages: 2000, views: 4, featureSize: 1280, activationShape: [7, 7, 160], inputSizePx: 224,
  embedBatchSize: 32, weightBytes: 14 * MIB, budgetBytes: 1.5 * GIB,
};

describe('memoryBudgetBytes', () => {
  it('is a quarter of the device memory, within [512 MiB, 4 GiB], with a default when unknown', () => {
    expect(memoryBudgetBytes(8)).toBe(2 * GIB);
    expect(memoryBudgetBytes(1)).toBe(512 * MIB);
    expect(memoryBudgetBytes(32)).toBe(4 * GIB);
    expect(memoryBudgetBytes(undefined)).toBe(DEFAULT_MEMORY_BUDGET_BYTES);
  });
});

describe('estimateMemory', () => {
  it('counts a float32 feature row and an activation row per image and view', () => {
    const e = estimateMemory(big, 4);
    const rows = 8000 * 5 + 2000;
    expect(e.featureBytes).toBe(rows * 1280 * 4);
    expect(e.activationBytes).toBe(rows * 7 * 7 * 160 * 4);
    expect(e.totalBytes).toBe(e.featureBytes + e.activationBytes + e.batchBytes + e.weightBytes);
    expect(estimateMemory({ ...big, activationShape: null }, 4).activationBytes).toBe(0);
  });
});

describe('planMemory', () => {
  it('keeps the asked views when they fit', () => {
    const plan = planMemory({ ...big, activationShape: null });
    expect(plan.views).toBe(4);
    expect(plan.note).toBeNull();
  });

  it('cuts the views to the most that fit, and says so', () => {
    const plan = planMemory(big);
    expect(plan.views).toBeLessThan(4);
    expect(plan.estimate.totalBytes).toBeLessThanOrEqual(big.budgetBytes);
    expect(estimateMemory(big, plan.views + 1).totalBytes).toBeGreaterThan(big.budgetBytes);
    expect(plan.note).toContain('4 augmented views per image would need about');
    expect(plan.note).toContain(`training uses ${plan.views} instead`);
  });

  it('refuses with advice when even the centre crop alone does not fit', () => {
    const tooBig = { ...big, budgetBytes: 256 * MIB };
    expect(() => planMemory(tooBig)).toThrow(UserFacingError);
    expect(() => planMemory(tooBig)).toThrow(/Turn two-stage training off, unfreeze fewer blocks, or train on fewer images/);
    expect(() => planMemory({ ...tooBig, activationShape: null, budgetBytes: 16 * MIB })).toThrow(/Train on fewer images/);
  });

  it('formats sizes for people', () => {
    expect(formatBytes(1.5 * GIB, 'binary')).toBe('1.5 GiB');
    expect(formatBytes(340 * MIB, 'binary')).toBe('340 MiB');
  });
});
