#!/usr/bin/env node
/**
 * `npm run bench [-- --quick]`: builds the studio (`npm run build`, weights included), then runs the benchmark
 * suite (`e2e/bench/suite.bench.ts`, Playwright project `bench`) against the built app. `--quick` sets
 * BENCH_QUICK=1: small sizes, under 3 minutes, for iteration. `--no-build` reuses the current `dist/`. Other
 * arguments go to Playwright. Prints the total wall time at the end.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const build = !args.includes('--no-build');
const rest = args.filter((a) => a !== '--quick' && a !== '--no-build');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const startMs = Date.now();

/** Runs a command with this terminal, and exits with its status if it fails. */
function run(command, commandArgs, env = process.env) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (build) run(npm, ['run', 'build']);
run(npx, ['playwright', 'test', '--project=bench', 'e2e/bench/suite.bench.ts', ...rest], { ...process.env, BENCH_QUICK: quick ? '1' : '0' });
console.log(`npm run bench${quick ? ' -- --quick' : ''}: ${((Date.now() - startMs) / 1000).toFixed(0)} s in all`);
