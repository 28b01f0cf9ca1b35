/**
 * The architecture holds: ESLint refuses an import that goes up a layer at any folder depth, one that reaches past a
 * feature folder's front door, and an import cycle; the whole tree has no cycle even through `import type`; no file is
 * over 400 lines and no folder holds more than 20 source files. Each rule is shown refusing a planted breach, so a
 * rule that stopped matching (as the old `../layer/*` patterns did one folder down) fails here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { importCycles, importGraph, longFiles, sourceFiles, wideFolders } from './importGraph';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');
const eslint = new ESLint({ cwd: ROOT });

/** The rule ids ESLint reports for `code` as if it were the file `relativePath` (which need not exist). */
async function ruleIds(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, relativePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

/** Imports planted where they break a rule: the file they would sit in, what they import, and the rule. */
const REFUSED: readonly { why: string; file: string; imports: string }[] = [
  { why: 'an upward import from a deep engine folder', file: 'src/engine/backbones/deep/deeper/planted.ts', imports: "import { App } from '../../../../ui/App';" },
  { why: 'data importing the engine from a deep folder', file: 'src/data/ingest/deep/planted.ts', imports: "import { BACKBONES } from '../../../engine/backbones';" },
  { why: 'state importing the UI', file: 'src/state/run/planted.ts', imports: "import { App } from '../../ui/App';" },
  { why: 'core importing a layer above it', file: 'src/core/planted.ts', imports: "import { readZip } from '../data/ingest';" },
  { why: 'the UI reaching past a front door', file: 'src/ui/results/planted.ts', imports: "import { BACKBONES } from '../../engine/backbones/catalog';" },
  { why: 'the engine reaching past a data front door', file: 'src/engine/features/planted.ts', imports: "import { readZip } from '../../data/ingest/zip';" },
];

describe('layer rule (core <- data <- engine <- state <- ui) and front doors, at any depth', () => {
  for (const { why, file, imports } of REFUSED) {
    it(`refuses ${why}`, async () => {
      const name = /import \{ (\w+) \}/.exec(imports)?.[1] ?? '';
      expect(await ruleIds(file, `${imports}\nexport const x = ${name};\n`)).toContain('import-x/no-restricted-paths');
    });
  }

  it('accepts a downward import through a front door', async () => {
    const ids = await ruleIds('src/ui/results/planted.ts', "import { BACKBONES } from '../../engine/backbones';\nexport const x = BACKBONES;\n");
    expect(ids).toEqual([]);
  });
});

describe('import cycles', () => {
  const planted = mkdtempSync(path.join(SRC, 'data', 'planted-cycle-'));
  afterAll(() => rmSync(planted, { recursive: true, force: true }));

  it('ESLint refuses a value cycle', async () => {
    const a = path.join(planted, 'a.ts');
    const b = path.join(planted, 'b.ts');
    writeFileSync(a, "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
    writeFileSync(b, "import { a } from './a';\nexport const b = (): number => a() - 1;\n");
    const [result] = await eslint.lintFiles([a]);
    expect((result?.messages ?? []).map((m) => m.ruleId)).toContain('import-x/no-cycle');
  });

  it('the graph check finds a cycle through a type-only import', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
      ['e', ['e']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('the source tree has no import cycle, type-only imports included', () => {
    const files = sourceFiles(SRC).filter((f) => !f.startsWith(planted));
    const graph = importGraph(files);
    expect(graph.size).toBeGreaterThan(200);
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
    const cycles = importCycles(graph).map((c) => c.map((f) => path.relative(ROOT, f)));
    expect(cycles).toEqual([]);
  });
});

describe('sizes', () => {
  const files = [...sourceFiles(SRC), ...sourceFiles(path.join(ROOT, 'e2e'))];

  it('no source or test file is over 400 lines', () => {
    expect(longFiles(files, 400).map((f) => `${path.relative(ROOT, f.file)}: ${f.lines}`)).toEqual([]);
  });

  it('no folder holds more than 20 source files directly', () => {
    expect(wideFolders(files, 20).map((f) => `${path.relative(ROOT, f.folder)}: ${f.files}`)).toEqual([]);
    expect(wideFolders([...Array.from({ length: 21 }, (_, i) => `/x/f${i}.ts`), '/x/f.test.ts'], 20)).toEqual([{ folder: '/x', files: 21 }]);
  });
});
