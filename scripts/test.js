#!/usr/bin/env node
// `npm test`: build, unit tests, e2e on the embedded defaults, then e2e again on real PostgreSQL/Redis when
// DATABASE_URL / REDIS_URL are set. With REQUIRE_SERVICES=1 an unreachable service fails the run; it never skips.
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const net = require('node:net');

const root = join(__dirname, '..');
const reportDir = join(root, 'dist', 'test-reports');
const passthrough = process.argv.slice(2);
const totals = { passed: 0, failed: 0 };

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

// e2e suites spend most of their time waiting on the server processes they start (restarts, recovery passes,
// rate-limit spacing), so two run at a time: on 2 cores Jest's default is one, and a run took 18 minutes of which
// the CPU was busy less than 40 %. Each suite has its own data directory, database and Redis prefix.
const E2E_WORKERS = '2';

function jest(label, project, env) {
  const report = join(reportDir, `${label}.json`);
  const workers = project === 'e2e' ? [`--maxWorkers=${E2E_WORKERS}`] : [];
  const ok = run(label, process.execPath, [require.resolve('jest/bin/jest'), '--selectProjects', project, ...workers, '--json', `--outputFile=${report}`, ...passthrough], env);
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += summary.numPassedTests;
    totals.failed += summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
  } catch {
    totals.failed += 1;
  }
  return ok;
}

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(3000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function main() {
  mkdirSync(reportDir, { recursive: true });
  if (!run('build', 'npm', ['run', 'build', '--silent'])) {
    console.error('build failed');
    process.exit(1);
  }
  let ok = jest('unit', 'unit', {});
  ok = jest('e2e-embedded', 'e2e', { TP_E2E_MODE: 'embedded', DATABASE_URL: '', REDIS_URL: '' }) && ok;

  const { DATABASE_URL, REDIS_URL, REQUIRE_SERVICES } = process.env;
  const required = REQUIRE_SERVICES === '1' || REQUIRE_SERVICES === 'true';
  if (DATABASE_URL || REDIS_URL || required) {
    const problems = [];
    if (!DATABASE_URL) problems.push('DATABASE_URL is not set');
    else if (!(await reachable(DATABASE_URL, 5432))) problems.push(`PostgreSQL at ${DATABASE_URL} is unreachable`);
    if (!REDIS_URL) problems.push('REDIS_URL is not set');
    else if (!(await reachable(REDIS_URL, 6379))) problems.push(`Redis at ${REDIS_URL} is unreachable`);
    if (problems.length && required) {
      console.error(`REQUIRE_SERVICES=1 but ${problems.join('; ')}`);
      ok = false;
      totals.failed += 1;
    } else if (problems.length) {
      console.warn(`not running the real-service e2e suites: ${problems.join('; ')}`);
    } else {
      ok = jest('e2e-services', 'e2e', { TP_E2E_MODE: 'services' }) && ok;
    }
  }
  console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
  process.exit(ok && totals.failed === 0 ? 0 : 1);
}

void main();
