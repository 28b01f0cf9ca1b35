// Lint rules, including the layer rule of STYLE.md: core <- data <- engine <- state <- ui (and bench) <- main.
// data/ and engine/ run in Workers and in Node, so they import no UI library and touch no DOM-only global.
//
// The layer and front-door rules are path zones (eslint-plugin-import-x's no-restricted-paths): each import is
// resolved to the file it names, so they hold at any depth of folders. `src/architecture.test.ts` plants
// imports that break them and checks that lint refuses each one.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const UI_LIBRARIES = ['react', 'react-dom', 'react-dom/*', 'react/*', 'recharts', 'recharts/*'];
const STORE_LIBRARIES = ['zustand', 'zustand/*'];
const libraries = (names) => ({
  patterns: [{ group: names, message: 'This layer runs in Workers and Node: no UI or store library.' }],
});
const DOM_ONLY = ['document', 'window', 'localStorage', 'sessionStorage', 'alert'].map((name) => ({
  name,
  message: 'src/data and src/engine run in Workers and Node: no DOM-only globals.',
}));

/** The layers from the bottom up; a file may import only from its own layer and the layers below it. */
const LAYERS = ['core', 'data', 'engine', 'state', 'ui'];
/** Above every layer: the benchmark page, the page's wiring, the build tools. */
const TOP = ['src/bench', 'src/main.tsx', 'src/tools'];
const above = (i) => [...LAYERS.slice(i + 1).map((l) => `./src/${l}`), ...TOP.map((t) => `./${t}`)];
const layerZones = LAYERS.slice(0, -1).map((layer, i) => ({
  target: `./src/${layer}`,
  from: above(i),
  message: `src/${layer} must not import a layer above it (core <- data <- engine <- state <- ui; see STYLE.md).`,
}));

/**
 * Front doors: a layer above reaches a feature folder of data/, engine/ or state/ only through the folder's
 * `index.ts`. Test helpers (`testing/`) are open to tests of every layer.
 */
const doorZone = (layer, targets) => ({
  target: targets,
  from: `./src/${layer}/**`,
  except: [`**/src/${layer}/*/index.ts`, `**/src/${layer}/index.ts`, `**/src/${layer}/**/testing/**`],
  message: `Import src/${layer}/<folder> through its front door (index.ts), not a file inside it.`,
});
const doorZones = [
  doorZone('data', ['./src/engine', './src/state', './src/ui', ...TOP.map((t) => `./${t}`), './e2e']),
  doorZone('engine', ['./src/state', './src/ui', ...TOP.map((t) => `./${t}`), './e2e']),
  doorZone('state', ['./src/ui', ...TOP.map((t) => `./${t}`), './e2e']),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/', 'test-results/', 'playwright-report/', 'bench/results*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'e2e/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // The plugin's TypeScript settings (which files it parses, with which parser), with the TypeScript resolver.
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...doorZones] }],
      // Value cycles; the architecture test also refuses type-only cycles, which this rule ignores.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  { files: ['src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser, ...globals.worker } } },
  { files: ['src/tools/**', 'e2e/**', '*.config.{ts,js}'], languageOptions: { globals: globals.node } },
  { files: ['src/**/*.test.ts'], languageOptions: { globals: globals.node } },
  { files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'], ...reactHooks.configs.flat['recommended-latest'] },
  {
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': ['error', libraries([...UI_LIBRARIES, ...STORE_LIBRARIES, '@tensorflow/*'])] },
  },
  {
    files: ['src/data/**', 'src/engine/**'],
    rules: {
      'no-restricted-imports': ['error', libraries([...UI_LIBRARIES, ...STORE_LIBRARIES])],
      'no-restricted-globals': ['error', ...DOM_ONLY],
    },
  },
  {
    files: ['src/state/**'],
    rules: { 'no-restricted-imports': ['error', libraries(UI_LIBRARIES)] },
  },
);
