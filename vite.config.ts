import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { studioPwa } from './src/tools/pwa';

/**
 * Cross-origin isolation lets the WASM backend use SharedArrayBuffer; it is sent by the dev server and by
 * `vite preview` (what `npm start` and the e2e tests serve).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The built app's Content-Security-Policy (sent by `vite preview`, what `npm start` serves; the dev server
 * needs inline scripts for hot reload, so it does not send it). No inline script and no eval: scripts and
 * workers come from the page's own origin only, and `'wasm-unsafe-eval'` lets the WASM backend compile its
 * binary; `blob:` scripts and workers are the threaded WASM backend's helper threads, which tfjs starts from
 * blobs it makes itself (only code already running on the page can make one). Network reads go to the own
 * origin, plus the public hosts of the online backbones (fetched only when the user picks one). Styles allow inline `style` attributes, which React and the charts set.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' https://tfhub.dev https://www.kaggle.com https://storage.googleapis.com",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PREVIEW_HEADERS = { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };

export default defineConfig({
  // studioPwa: the offline service worker and web manifest (see src/tools/pwa.ts).
  plugins: [react(), studioPwa()],
  worker: {
    format: 'es',
    // Threaded WASM sends its backend factory's source text (Function.toString) to its helper threads, where
    // only that text runs: the minifier's renaming and its compression (`typeof _scriptDir !== "undefined"`
    // becomes `_scriptDir !== void 0`) break it there and the threads never start. Workers are therefore only
    // stripped of whitespace.
    rolldownOptions: { output: { minify: { mangle: false, compress: false, codegen: { removeWhitespace: true } } } },
  },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: PREVIEW_HEADERS, port: 4173 },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // The studio, and the benchmark page `npm run bench` drives (`src/bench/bench.html`, same engine, same chunks).
    rollupOptions: { input: { index: 'index.html', bench: 'src/bench/bench.html' } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
