// Lint rules, including the layer rule of STYLE.md: core <- data <- engine <- state <- ui <- main.
// data/ and engine/ run in Workers and in Node, so they import no UI library and touch no DOM-only global.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const UI_LIBRARIES = ['react', 'react-dom', 'react-dom/*', 'react/*', 'recharts', 'recharts/*'];
const STORE_LIBRARIES = ['zustand', 'zustand/*'];
const layer = (folders, extra = []) => ({
  patterns: [
    ...folders.map((f) => ({ group: [`../${f}/*`, `../${f}`], message: `This layer must not import src/${f} (see STYLE.md).` })),
    ...(extra.length > 0 ? [{ group: extra, message: 'This layer runs in Workers and Node: no UI or store library.' }] : []),
  ],
});
const DOM_ONLY = ['document', 'window', 'localStorage', 'sessionStorage', 'alert'].map((name) => ({
  name,
  message: 'src/data and src/engine run in Workers and Node: no DOM-only globals.',
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/', 'test-results/', 'playwright-report/', 'bench/results*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser, ...globals.worker } } },
  { files: ['src/tools/**', 'e2e/**', '*.config.{ts,js}'], languageOptions: { globals: globals.node } },
  { files: ['src/**/*.test.ts'], languageOptions: { globals: globals.node } },
  { files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'], ...reactHooks.configs.flat['recommended-latest'] },
  {
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': ['error', layer(['data', 'engine', 'state', 'ui'], [...UI_LIBRARIES, ...STORE_LIBRARIES, '@tensorflow/*'])] },
  },
  {
    files: ['src/data/**'],
    rules: {
      'no-restricted-imports': ['error', layer(['engine', 'state', 'ui'], [...UI_LIBRARIES, ...STORE_LIBRARIES])],
      'no-restricted-globals': ['error', ...DOM_ONLY],
    },
  },
  {
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': ['error', layer(['state', 'ui'], [...UI_LIBRARIES, ...STORE_LIBRARIES])],
      'no-restricted-globals': ['error', ...DOM_ONLY],
    },
  },
  {
    files: ['src/state/**'],
    rules: { 'no-restricted-imports': ['error', layer(['ui'], UI_LIBRARIES)] },
  },
);
