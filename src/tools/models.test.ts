import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKBONES } from '../engine/backbones';
import { describeSync, EXPECTED_MODEL_IDS, syncModels } from './models.mjs';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fts-models-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a fake backbone folder: a model.json and one weight file of `bytes` bytes. */
function fakeModel(root: string, id: string, bytes = 1000): void {
  mkdirSync(join(root, id), { recursive: true });
  writeFileSync(join(root, id, 'model.json'), JSON.stringify({ id }));
  writeFileSync(join(root, id, 'group1-shard1of1.bin'), Buffer.alloc(bytes, 7));
}

const readIndex = (to: string): unknown => JSON.parse(readFileSync(join(to, 'index.json'), 'utf8'));

describe('scripts/models.mjs', () => {
  it('expects exactly the catalog backbones', () => {
    expect([...EXPECTED_MODEL_IDS]).toEqual(BACKBONES.map((b) => b.id));
  });

  it('copies the present backbones, lists the missing ones and skips unchanged files', () => {
    const [first, second, ...rest] = EXPECTED_MODEL_IDS as [string, string, ...string[]];
    const from = join(dir, 'src');
    const to = join(dir, 'public', 'models');
    fakeModel(from, first, 1_500_000);
    fakeModel(from, second);
    mkdirSync(join(from, rest[0] ?? 'x')); // a folder without model.json counts as missing

    const summary = syncModels({ from, to });
    expect(summary.copiedModels).toEqual([first, second]);
    expect(summary.copiedFiles).toBe(4);
    expect(readIndex(to)).toEqual({ available: [first, second], missing: rest, source: from });
    expect(readFileSync(join(to, first, 'group1-shard1of1.bin'))).toHaveLength(1_500_000);
    expect(statSync(join(to, first, 'model.json')).mtimeMs).toBeCloseTo(statSync(join(from, first, 'model.json')).mtimeMs, -1);

    const { info, warnings } = describeSync(summary, 'public/models');
    expect(info[0]).toMatch(/^models: copied 2 backbone\(s\) from .* into public\/models \(1\.5 MB/);
    expect(warnings.join('\n')).toContain(rest.join(', '));
    expect(warnings.join('\n')).toContain('put the weights in ../shared/models');

    const again = syncModels({ from, to });
    expect([again.copiedFiles, again.unchangedFiles]).toEqual([0, 4]);
    expect(describeSync(again, 'public/models').info[0]).toMatch(/2 backbone\(s\) already up to date/);

    // A changed source file (new mtime) is copied again.
    const weights = join(from, first, 'group1-shard1of1.bin');
    utimesSync(weights, new Date(), new Date(Date.now() + 5000));
    expect(syncModels({ from, to }).copiedFiles).toBe(1);
  });

  it('reports every id missing, without throwing, when the source folder does not exist', () => {
    const to = join(dir, 'out');
    const summary = syncModels({ from: join(dir, 'nope'), to });
    expect(summary.source).toBeNull();
    expect(summary.missing).toEqual([...EXPECTED_MODEL_IDS]);
    expect(readIndex(to)).toEqual({ available: [], missing: [...EXPECTED_MODEL_IDS], source: null });
    const { info, warnings } = describeSync(summary);
    expect(info).toEqual([]);
    expect(warnings[0]).toMatch(/WARNING: 4 backbone\(s\) missing/);
    expect(warnings[0]).toContain(`looked in ${join(dir, 'nope')} (not found)`);
  });
});
