#!/usr/bin/env node
// Entry point of the root `npm start` / `npm test`: on a machine with only Node.js and
// npm, it fetches the pinned pnpm into .tools/, installs the workspace, builds what is
// needed and runs the command. Every later run reuses what is there.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = String(manifest.packageManager).replace(/^pnpm@/, '');
const toolsDir = join(root, '.tools', `pnpm-${pnpmVersion}`);
// pnpm 12 ships a native binary; its install script links it over this placeholder, and
// the placeholder runs pnpm through Node.js where install scripts were blocked.
const pnpmBin = join(toolsDir, 'node_modules', '.bin', process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm');

// turbo looks pnpm up on PATH; telemetry stays off.
const env = {
  ...process.env,
  PATH: [join(toolsDir, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  TURBO_TELEMETRY_DISABLED: '1',
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) {
    console.error(`watchtower: could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}

function pnpm(args) {
  run(pnpmBin, args);
}

function ensurePnpm() {
  if (existsSync(pnpmBin)) return;
  console.log(`watchtower: fetching pnpm ${pnpmVersion} into .tools/ (once)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', toolsDir, `pnpm@${pnpmVersion}`]);
}

function ensureDependencies() {
  // CI=true makes pnpm use the lock file as it is; a changed lock fails the install.
  pnpm(['install', '--prefer-offline', '--reporter=append-only']);
}

// The server runs as a child whose signals are forwarded, so a SIGTERM to `npm start`
// still closes the database cleanly.
function serve(entry, args) {
  const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    // Missing, or not executable by us: the same to the caller.
    return false;
  }
}

function findOnPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutable(join(dir, name)));
}

function aptInstall(packages) {
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env: aptEnv }).status === 0;
  const known = packages.every((name) => {
    const policy = spawnSync('apt-cache', ['policy', name], { encoding: 'utf8', env: aptEnv }).stdout ?? '';
    return /Candidate: (?!\(none\))/.test(policy);
  });
  if (!known) run('apt-get', ['update', '-qq'], { env: aptEnv });
  // Package lists known but out of date point at files the mirror no longer has.
  if (install()) return;
  if (known) run('apt-get', ['update', '-qq'], { env: aptEnv });
  if (!install()) process.exit(1);
}

// The browser suites (apps/gui, packages/client-browser) drive Debian's Chromium, never a
// downloaded one, and the server's TLS test makes its certificate with openssl. What is
// missing is installed with apt-get where we may; elsewhere nothing runs until it is there.
function ensureTestTools() {
  const chromium = process.env.CHROMIUM_PATH;
  if (chromium && !isExecutable(chromium)) {
    console.error(
      `watchtower: CHROMIUM_PATH=${chromium} is not an executable file; point it to Chromium, ` +
        "or unset it to use Debian's chromium (/usr/bin/chromium)",
    );
    process.exit(1);
  }
  const missing = () => [
    ...(chromium || isExecutable('/usr/bin/chromium') ? [] : ['chromium']),
    ...(findOnPath('openssl') ? [] : ['openssl']),
  ];
  const needed = missing();
  if (needed.length === 0) return;
  const hasApt = findOnPath('apt-get');
  if (hasApt && process.getuid?.() === 0) {
    console.log(`watchtower: installing ${needed.join(' and ')} for the tests (apt-get, once)`);
    aptInstall(needed);
    if (missing().length === 0) return;
  }
  const how = hasApt
    ? `run\n\n    ${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install -y ${needed.join(' ')}\n\nthen npm test again.`
    : "install them with the system's package manager (and set CHROMIUM_PATH to the Chromium executable)";
  console.error(`watchtower: the tests need ${needed.join(' and ')}, which ${needed.length > 1 ? 'are' : 'is'} missing; ${how}`);
  process.exit(1);
}

const command = process.argv[2];
const extra = process.argv.slice(3);

if (command === 'test') ensureTestTools();
ensurePnpm();
ensureDependencies();

switch (command) {
  case 'start':
    pnpm(['exec', 'turbo', 'run', 'build', '--filter=@watchtower/server...', '--output-logs=errors-only']);
    serve(join(root, 'apps/server/dist/main.js'), extra);
    break;
  case 'build':
    pnpm(['exec', 'turbo', 'run', 'build', ...extra]);
    break;
  case 'test':
    pnpm(['exec', 'turbo', 'run', 'typecheck', 'lint', 'format:check', 'test', '--concurrency=1', '--continue', ...extra]);
    break;
  case 'chaos':
    pnpm(['exec', 'turbo', 'run', 'build', '--filter=@watchtower/server...', '--output-logs=errors-only']);
    pnpm(['--filter', '@watchtower/server', 'exec', 'vitest', 'run', '--config', 'vitest.chaos.config.ts', ...extra]);
    break;
  case 'bench':
    pnpm(['exec', 'turbo', 'run', 'build', '--filter=@watchtower/server...', '--output-logs=errors-only']);
    run(process.execPath, [join(root, 'bench/run.mjs'), ...extra]);
    break;
  case 'bench:alerts':
    pnpm(['exec', 'turbo', 'run', 'build', '--filter=@watchtower/server...', '--output-logs=errors-only']);
    run(process.execPath, [join(root, 'bench/alerts.mjs'), ...extra]);
    break;
  case 'bench:export':
    pnpm(['exec', 'turbo', 'run', 'build', '--filter=@watchtower/server...', '--output-logs=errors-only']);
    run(process.execPath, [join(root, 'bench/export.mjs'), ...extra]);
    break;
  case 'bench:lists':
    pnpm(['exec', 'turbo', 'run', 'build', '--filter=@watchtower/server...', '--output-logs=errors-only']);
    run(process.execPath, [join(root, 'bench/lists.mjs'), ...extra]);
    break;
  case 'bench:retention':
    pnpm(['exec', 'turbo', 'run', 'build', '--filter=@watchtower/server...', '--output-logs=errors-only']);
    run(process.execPath, [join(root, 'bench/retention.mjs'), ...extra]);
    break;
  default:
    console.error(
      'usage: node scripts/workspace.mjs start|build|test|chaos|bench|bench:alerts|bench:export|bench:lists|bench:retention [args]',
    );
    process.exit(2);
}
