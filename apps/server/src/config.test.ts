import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, workerCount } from './config.js';

const SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/sample.json');

const DEFAULTS = {
  server: {
    port: 4443,
    host: '0.0.0.0',
    ssl: false,
    certFile: 'config/server.crt',
    keyFile: 'config/server.key',
    corsOrigins: [] as string[],
    maxStreams: 100,
    trustProxy: false,
    authFailureLimit: 10,
    workers: 1,
  },
  database: { dataDir: './data' },
  gui: { eventsPresets: [] as unknown[] },
  events: { retentionDays: 90, retentionByLevel: {} },
  runs: { retentionDays: 90 },
  history: { retentionDays: 90 },
  log: { level: 'info' },
  alerts: {
    pushover: { apiUrl: 'https://api.pushover.net' },
    email: {},
    webhook: {},
    allowPrivateTargets: false,
    retentionDays: 90,
  },
};

// Standard Webhooks: whsec_ and the base64 of 24 to 64 random bytes.
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** DEFAULTS with one key changed, and where the config came from. */
function defaultsWith(path: string, value: unknown, source?: string) {
  const expected: Record<string, unknown> = structuredClone(DEFAULTS);
  const keys = path.split('.');
  let node = expected;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
  return { ...expected, source };
}

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'watchtower-config-'));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function writeFile(name: string, content: string): string {
  const file = join(cwd, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('answers the defaults for an empty environment and no config file', () => {
    expect(loadConfig({}, cwd)).toEqual({ ...DEFAULTS, source: undefined });
  });

  it('reads config/config.json from the working folder when it is present', () => {
    const file = writeFile('config/config.json', JSON.stringify({ server: { port: 5000 } }));
    expect(loadConfig({}, cwd)).toEqual(defaultsWith('server.port', 5000, file));
  });

  it('reads the file named by WATCHTOWER_CONFIG, relative to the working folder', () => {
    const file = writeFile('elsewhere/watchtower.json', JSON.stringify({ log: { level: 'debug' } }));
    expect(loadConfig({ WATCHTOWER_CONFIG: 'elsewhere/watchtower.json' }, cwd)).toEqual(defaultsWith('log.level', 'debug', file));
  });

  it('lets the environment override the file, key by key', () => {
    writeFile('config/config.json', JSON.stringify({ server: { port: 5000, host: '10.0.0.1' }, log: { level: 'debug' } }));
    const config = loadConfig({ PORT: '6000', LOG_LEVEL: 'warn' }, cwd);
    expect(config.server).toMatchObject({ port: 6000, host: '10.0.0.1' });
    expect(config.log.level).toBe('warn');
  });

  it('treats an empty variable as unset', () => {
    writeFile('config/config.json', JSON.stringify({ server: { port: 5000 } }));
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }, cwd).server.port).toBe(5000);
  });

  it.each([
    ['PORT', '8080', 'server.port', 8080],
    ['WATCHTOWER_MAX_STREAMS', '250', 'server.maxStreams', 250],
    ['WATCHTOWER_TRUST_PROXY', 'true', 'server.trustProxy', true],
    ['WATCHTOWER_AUTH_FAILURE_LIMIT', '0', 'server.authFailureLimit', 0],
    ['HOST', '127.0.0.1', 'server.host', '127.0.0.1'],
    ['WATCHTOWER_PASSWORD', 'a-long-secret', 'password', 'a-long-secret'],
    ['DATABASE_URL', 'postgres://user@db.example:5432/watchtower', 'database.url', 'postgres://user@db.example:5432/watchtower'],
    ['WATCHTOWER_DATA_DIR', '/var/lib/watchtower', 'database.dataDir', '/var/lib/watchtower'],
    ['PUSHOVER_TOKEN', 'app-token', 'alerts.pushover.token', 'app-token'],
    ['PUSHOVER_API_URL', 'http://127.0.0.1:9001', 'alerts.pushover.apiUrl', 'http://127.0.0.1:9001'],
    ['RESEND_API_KEY', 're_123', 'alerts.email.resendApiKey', 're_123'],
    ['RESEND_BASE_URL', 'http://127.0.0.1:9002', 'alerts.email.resendBaseUrl', 'http://127.0.0.1:9002'],
    ['WATCHTOWER_MAIL_FROM', 'watchtower@example.com', 'alerts.email.from', 'watchtower@example.com'],
    ['WATCHTOWER_WEBHOOK_SECRET', WEBHOOK_SECRET, 'alerts.webhook.secret', WEBHOOK_SECRET],
    ['WATCHTOWER_ALLOW_PRIVATE_TARGETS', '1', 'alerts.allowPrivateTargets', true],
    ['LOG_LEVEL', 'debug', 'log.level', 'debug'],
    ['WATCHTOWER_EVENTS_RETENTION_DAYS', '30', 'events.retentionDays', 30],
    ['WATCHTOWER_EVENTS_RETENTION_BY_LEVEL', 'debug=7, error=365', 'events.retentionByLevel', { debug: 7, error: 365 }],
    ['WATCHTOWER_ALERTS_RETENTION_DAYS', '14', 'alerts.retentionDays', 14],
    ['WATCHTOWER_RUNS_RETENTION_DAYS', '60', 'runs.retentionDays', 60],
    ['WATCHTOWER_HISTORY_RETENTION_DAYS', '400', 'history.retentionDays', 400],
  ])('sets %s=%s into %s and nothing else', (name, value, path, expected) => {
    expect(loadConfig({ [name]: value }, cwd)).toEqual(defaultsWith(path, expected));
  });

  it.each([
    ['1', true],
    ['true', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    ['no', false],
  ])('reads WATCHTOWER_ALLOW_PRIVATE_TARGETS=%s as %s', (value, expected) => {
    expect(loadConfig({ WATCHTOWER_ALLOW_PRIVATE_TARGETS: value }, cwd).alerts.allowPrivateTargets).toBe(expected);
  });

  it.each([
    ['WATCHTOWER_PASSWORD', 'password', 'from-a-file-123'],
    ['DATABASE_URL', 'database.url', 'postgres://secret@db/watchtower'],
    ['PUSHOVER_TOKEN', 'alerts.pushover.token', 'token-from-file'],
    ['RESEND_API_KEY', 'alerts.email.resendApiKey', 're_from_file'],
    ['WATCHTOWER_WEBHOOK_SECRET', 'alerts.webhook.secret', WEBHOOK_SECRET],
  ])('reads %s from the file named by %s_FILE, without the final newline', (name, path, secret) => {
    const file = writeFile(`secrets/${name}`, `${secret}\n`);
    expect(loadConfig({ [`${name}_FILE`]: file }, cwd)).toEqual(defaultsWith(path, secret));
  });

  it('names the _FILE variable whose file cannot be read', () => {
    const message = configError({ WATCHTOWER_PASSWORD_FILE: join(cwd, 'no-such-secret') });
    expect(message).toContain('WATCHTOWER_PASSWORD_FILE');
    expect(message).toContain(join(cwd, 'no-such-secret'));
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '1.5'],
    ['PORT', ' '],
    ['PORT', '0x10'],
    ['PORT', '1e3'],
    ['WATCHTOWER_MAX_STREAMS', '0'],
    ['WATCHTOWER_MAX_STREAMS', 'many'],
    ['WATCHTOWER_TRUST_PROXY', 'maybe'],
    ['WATCHTOWER_AUTH_FAILURE_LIMIT', '-1'],
    ['WATCHTOWER_PASSWORD', 'short'],
    ['WATCHTOWER_ALERT_TYPE', 'sms'],
    ['DATABASE_URL', 'mysql://x'],
    ['PUSHOVER_API_URL', 'ftp://pushover.example'],
    ['RESEND_BASE_URL', 'not a url'],
    ['WATCHTOWER_ALLOW_PRIVATE_TARGETS', 'maybe'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%j with an error naming the variable', (name, value) => {
    expect(configError({ [name]: value })).toContain(`${name}:`);
  });

  it.each([
    ['without its whsec_ prefix', Buffer.alloc(32, 7).toString('base64')],
    ['of fewer than 24 bytes', `whsec_${Buffer.alloc(23, 7).toString('base64')}`],
    ['that is not base64', 'whsec_this is not base64 at all, not even close'],
    ['with an empty key', 'whsec_'],
  ])('refuses a webhook secret %s, saying what it must be', (_case, secret) => {
    const message = configError({ WATCHTOWER_WEBHOOK_SECRET: secret });
    expect(message).toContain('WATCHTOWER_WEBHOOK_SECRET:');
    expect(message).toContain('whsec_');
    expect(message).toContain('at least 24');
    // The refused value is a secret: it is not repeated.
    if (secret.length > 'whsec_'.length) expect(message).not.toContain(secret);
  });

  it('names alerts.webhook.secret when the config file holds a bad webhook secret', () => {
    writeFile('config/config.json', JSON.stringify({ alerts: { webhook: { secret: 'hunter2-hunter2' } } }));
    expect(configError({})).toMatch(/alerts\.webhook\.secret in .*: must be whsec_/);
  });

  it.each([
    ['a leading space', ' a-long-secret'],
    ['a trailing space', 'a-long-secret '],
    ['a trailing tab', 'a-long-secret\t'],
  ])('refuses a password with %s, which no request could ever match', (_case, password) => {
    const message = configError({ WATCHTOWER_PASSWORD: password });
    expect(message).toContain('WATCHTOWER_PASSWORD:');
    expect(message).toMatch(/must not begin or end with whitespace/);
  });

  it('refuses a password with spaces around it in the config file, naming the key', () => {
    writeFile('config/config.json', JSON.stringify({ password: ' a-long-secret ' }));
    expect(configError({})).toMatch(/password in .*: must not begin or end with whitespace/);
  });

  it('refuses a password file whose secret has spaces around it, beyond the final newline', () => {
    const file = writeFile('secrets/password', ' a-long-secret \n');
    expect(configError({ WATCHTOWER_PASSWORD_FILE: file })).toContain('WATCHTOWER_PASSWORD:');
  });

  it.each([
    ['\n', 'a newline'],
    ['\r\n', 'a Windows line end'],
  ])('reads a password file that ends with %j (%s) as the password alone', (end) => {
    const file = writeFile('secrets/password', `a-long-secret${end}`);
    expect(loadConfig({ WATCHTOWER_PASSWORD_FILE: file }, cwd).password).toBe('a-long-secret');
  });

  it('reads CORS origins as a comma-separated list from the environment', () => {
    const config = loadConfig({ WATCHTOWER_CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }, cwd);
    expect(config.server.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
  });

  it('refuses a CORS origin with a path, naming the variable', () => {
    expect(configError({ WATCHTOWER_CORS_ORIGINS: 'https://a.example.com/app' })).toMatch(/WATCHTOWER_CORS_ORIGINS.*https:\/\/example.com/);
  });

  it('says which values a flag takes', () => {
    expect(configError({ WATCHTOWER_ALLOW_PRIVATE_TARGETS: 'maybe' })).toContain('must be true or false');
  });

  it('does not repeat the refused value of a secret in the error', () => {
    const message = configError({ DATABASE_URL: 'mysql://admin:hunter2@db.example/watchtower' });
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });

  it('names the key and the file of a bad value in the config file', () => {
    const file = writeFile('config/config.json', JSON.stringify({ server: { port: 'abc' } }));
    const message = configError({});
    expect(message).toContain('server.port');
    expect(message).toContain(file);
  });

  it.each([
    [{ server: { prot: 1 } }, 'server.prot'],
    [{ sever: {} }, 'sever'],
    [{ alerts: { pushover: { tokn: 'x' } } }, 'alerts.pushover.tokn'],
  ])('refuses the unknown key in %j, naming %s', (content, key) => {
    writeFile('config/config.json', JSON.stringify(content));
    expect(configError({})).toMatch(new RegExp(`unknown key ${key.replace(/\./g, '\\.')}\\b`));
  });

  it.each(['""', '" "', 'null', 'false'])('refuses server.port %s in the config file instead of taking port 0', (port) => {
    writeFile('config/config.json', `{"server":{"port":${port}}}`);
    expect(configError({})).toContain('server.port');
  });

  it.each(['90s', '15m', '1h30m', '1.5h', '1d', '1w', '1d12h'])('takes %j as the since of an events preset', (since) => {
    writeFile('config/config.json', JSON.stringify({ gui: { eventsPresets: [{ name: 'Recent', filters: { since } }] } }));
    expect(loadConfig({}, cwd).gui.eventsPresets[0]?.filters.since).toBe(since);
  });

  it.each(['yesterday', '0', '30m1h', '1y'])('refuses %j as the since of an events preset, naming the key', (since) => {
    writeFile('config/config.json', JSON.stringify({ gui: { eventsPresets: [{ name: 'Recent', filters: { since } }] } }));
    expect(configError({})).toMatch(/gui\.eventsPresets\.0\.filters\.since.*must be a duration such as 90s, 15m, 1h30m, 1d or 1w/);
  });

  it('names the file that is not valid JSON', () => {
    const file = writeFile('config/config.json', '{"server": {"port": 5000,}}');
    const message = configError({});
    expect(message).toContain(file);
    expect(message).toMatch(/not valid JSON/);
  });

  it('names the file that holds JSON but not an object', () => {
    const file = writeFile('config/config.json', '[1, 2]');
    expect(configError({})).toContain(file);
  });

  it('names WATCHTOWER_CONFIG when its file does not exist', () => {
    const message = configError({ WATCHTOWER_CONFIG: 'missing.json' });
    expect(message).toContain('WATCHTOWER_CONFIG');
    expect(message).toContain(join(cwd, 'missing.json'));
  });

  it('refuses a history retention shorter than the 30 days uptime is reported over', () => {
    expect(configError({ WATCHTOWER_HISTORY_RETENTION_DAYS: '7' })).toBe(
      'invalid configuration: WATCHTOWER_HISTORY_RETENTION_DAYS: must be a whole number of days, at least 30 (uptime is reported over the last 30 days)',
    );
  });

  it('refuses a retention that is not a whole number of days, naming the variable', () => {
    expect(configError({ WATCHTOWER_EVENTS_RETENTION_DAYS: '0' })).toContain(
      'WATCHTOWER_EVENTS_RETENTION_DAYS: must be a whole number of days, at least 1',
    );
    expect(configError({ WATCHTOWER_RUNS_RETENTION_DAYS: '2.5' })).toContain(
      'WATCHTOWER_RUNS_RETENTION_DAYS: must be a whole number of days',
    );
  });

  it('refuses a per-level retention naming an unknown level or written wrong', () => {
    expect(configError({ WATCHTOWER_EVENTS_RETENTION_BY_LEVEL: 'verbose=7' })).toContain('unknown key events.retentionByLevel.verbose');
    expect(configError({ WATCHTOWER_EVENTS_RETENTION_BY_LEVEL: 'debug:7' })).toContain(
      'WATCHTOWER_EVENTS_RETENTION_BY_LEVEL: must give days per level',
    );
    const file = writeFile('config/config.json', JSON.stringify({ events: { retentionByLevel: { debug: 0 } } }));
    expect(configError({})).toBe(
      `invalid configuration: events.retentionByLevel.debug in ${file}: must be a whole number of days, at least 1`,
    );
  });

  it('reads WATCHTOWER_WORKERS on PostgreSQL, and auto as one process per core', () => {
    const env = { DATABASE_URL: 'postgres://db/watchtower' };
    expect(loadConfig({ ...env, WATCHTOWER_WORKERS: '3' }, cwd).server.workers).toBe(3);
    const auto = loadConfig({ ...env, WATCHTOWER_WORKERS: 'auto' }, cwd);
    expect(auto.server.workers).toBe('auto');
    expect(workerCount(auto, 4)).toBe(4);
  });

  it('runs one process for auto on the embedded database', () => {
    expect(workerCount(loadConfig({ WATCHTOWER_WORKERS: 'auto' }, cwd), 4)).toBe(1);
  });

  it('refuses more than one worker on the embedded database, naming the variable', () => {
    expect(() => loadConfig({ WATCHTOWER_WORKERS: '2' }, cwd)).toThrow(
      new ConfigError(
        'invalid configuration: WATCHTOWER_WORKERS: more than one worker needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process',
      ),
    );
  });

  it('refuses a worker count that is not a whole number of at least 1 or auto', () => {
    for (const value of ['0', 'two', '1.5']) {
      expect(() => loadConfig({ WATCHTOWER_WORKERS: value, DATABASE_URL: 'postgres://db/w' }, cwd)).toThrow(/WATCHTOWER_WORKERS: must be/);
    }
  });

  it('parses config/sample.json into exactly the defaults', () => {
    expect(loadConfig({ WATCHTOWER_CONFIG: SAMPLE }, cwd)).toEqual({ ...DEFAULTS, source: SAMPLE });
  });

  it('shows every key that has a default in config/sample.json', () => {
    const { source: _source, ...defaults } = loadConfig({}, cwd);
    expect(JSON.parse(readFileSync(SAMPLE, 'utf8'))).toEqual(JSON.parse(JSON.stringify(defaults)));
  });
});
