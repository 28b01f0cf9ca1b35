import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive the built app (`vite preview`, the same server `npm start` uses) in Debian's
 * Chromium: Playwright's own browser download cannot run on these machines.
 */
const PORT = Number(process.env.STUDIO_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  // `npm test` runs the e2e project; `npm run bench` the bench project (timings printed, never asserted).
  projects: [
    { name: 'e2e', testMatch: /.*\.spec\.ts$/ },
    { name: 'bench', testMatch: /.*\.bench\.ts$/ },
  ],
  timeout: 5 * 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
