import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ALERT_TYPES, ConfigChannel, LEVEL_NAMES, parseDuration, type LevelName } from '@watchtower/protocol';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    // parseDuration's own message names no config key: the schema's does.
    return false;
  }
}

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const Flag = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', ''])], {
    error: 'must be true or false (1, 0, yes, no)',
  })
  .transform((value) => (typeof value === 'boolean' ? value : ['1', 'true', 'yes'].includes(value)));

// Only whole numbers, or strings of digits: coercion alone would take "" or null as 0 (a
// random port) and "0x10" as 16.
const Port = z
  .union([z.number(), z.string().trim().regex(/^\d+$/)], { error: 'must be a port number from 0 to 65535' })
  .transform(Number)
  .pipe(
    z
      .number()
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be from 0 to 65535' })
      .max(65535, { error: 'must be from 0 to 65535' }),
  );

const Count = z
  .union([z.number(), z.string().trim().regex(/^\d+$/)], { error: 'must be a whole number of at least 1' })
  .transform(Number)
  .pipe(z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }));

// Server processes sharing the port: a number, or `auto` for one per core.
const Workers = z.union([z.literal('auto'), Count], { error: 'must be a whole number of at least 1, or auto' });

// A retention in days: a whole number from `min`, or digits in an environment variable.
const Days = (min: number, why = '') => {
  const error = `must be a whole number of days, at least ${min}${why}`;
  return z
    .union([z.number(), z.string().trim().regex(/^\d+$/, { error })], { error })
    .transform(Number)
    .pipe(z.number().int({ error }).min(min, { error }));
};

const LEVEL_PAIRS = /^\s*\w+\s*=\s*\d+\s*(,\s*\w+\s*=\s*\d+\s*)*$/;

// Per-level retention: an object ({"debug": 7}), or in the environment `debug=7,info=30`.
const DaysByLevel = z.preprocess(
  (value) =>
    typeof value === 'string' && LEVEL_PAIRS.test(value)
      ? Object.fromEntries(value.split(',').map((pair) => pair.split('=').map((part) => part.trim())))
      : value,
  z
    .object(
      Object.fromEntries(LEVEL_NAMES.map((name) => [name, Days(1).optional()])) as Record<
        LevelName,
        z.ZodOptional<ReturnType<typeof Days>>
      >,
      { error: 'must give days per level, such as {"debug": 7, "error": 365} (in the environment: debug=7,error=365)' },
    )
    .strict(),
);

// HTTP drops the spaces around a header's value, so such a password could never match.
const Password = z
  .string()
  .min(8, { error: 'must be at least 8 characters' })
  .refine((value) => !/^\s|\s$/.test(value), {
    error: 'must not begin or end with whitespace (HTTP headers drop it, so no request could match)',
  });

// Standard Webhooks: `whsec_` and the base64 of 24 to 64 random bytes.
const WebhookSecret = z.string().refine(
  (value) => {
    const key = value.startsWith('whsec_') ? value.slice('whsec_'.length) : '';
    return /^[A-Za-z0-9+/]+={0,2}$/.test(key) && Buffer.from(key, 'base64').length >= 24;
  },
  { error: 'must be whsec_ followed by the base64 of at least 24 random bytes, such as whsec_$(openssl rand -base64 32)' },
);

/** Every setting of the server. `config/sample.json` shows each key with its default. */
export const ConfigSchema = z
  .object({
    server: z
      .object({
        port: Port.default(4443),
        host: z.string().min(1).default('0.0.0.0'),
        ssl: Flag.default(false),
        certFile: z.string().min(1).default('config/server.crt'),
        keyFile: z.string().min(1).default('config/server.key'),
        // Web origins whose pages may call the API (browser SDK, other dashboards).
        corsOrigins: z
          .union([z.array(z.string()), z.string()])
          .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((origin) => origin.trim()).filter(Boolean))
          .pipe(
            z.array(
              z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, {
                error: 'each origin must look like https://example.com (scheme, host, optional port), or *',
              }),
            ),
          )
          .default([]),
        // Open `GET /stream` connections a process holds at once; each costs a socket and a subscriber.
        maxStreams: Count.default(100),
        // How clients reach this server (behind a proxy, say), for the ping URLs it shows;
        // the request's own origin when absent.
        publicUrl: z
          .string()
          .regex(/^https?:\/\/[^/\s]+(\/[^\s]*)?$/, { error: 'must be an http(s) URL such as https://watchtower.example.com' })
          .transform((url) => url.replace(/\/+$/, ''))
          .optional(),
        // Whether a reverse proxy stands before the server: then a request's client address
        // is the last one of X-Forwarded-For (the one the proxy added), not the socket's.
        trustProxy: Flag.default(false),
        // Failed authentications from one client address within a minute before it is
        // answered 429 for a minute; 0 turns the throttle off.
        authFailureLimit: z
          .union([z.number(), z.string().trim().regex(/^\d+$/)], { error: 'must be a whole number (0 turns the throttle off)' })
          .transform(Number)
          .pipe(z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' }))
          .default(10),
        // Processes that serve the port together (node:cluster); more than one needs PostgreSQL.
        workers: Workers.default(1),
      })
      .strict()
      .prefault({}),
    password: Password.optional(),
    database: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// or postgresql:// URL' })
          .optional(),
        dataDir: z.string().min(1).default('./data'),
      })
      .strict()
      .prefault({}),
    gui: z
      .object({
        // Saved searches the dashboard offers in its events explorer.
        eventsPresets: z
          .array(
            z
              .object({
                name: z.string().min(1).max(100),
                filters: z
                  .object({
                    service: z.string().min(1).optional(),
                    level: z.union([z.string(), z.number()]).optional(),
                    message: z.string().min(1).optional(),
                    since: z.string().refine(isDuration, { error: 'must be a duration such as 90s, 15m, 1h30m, 1d or 1w' }).optional(),
                  })
                  .strict(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .prefault({}),
    events: z
      .object({
        // Events older than this are removed (whole days at a time).
        retentionDays: Days(1).default(90),
        // Levels kept longer or shorter than retentionDays, such as {"debug": 7, "error": 365}.
        retentionByLevel: DaysByLevel.default({}),
      })
      .strict()
      .prefault({}),
    runs: z
      .object({ retentionDays: Days(1).default(90) })
      .strict()
      .prefault({}),
    history: z
      .object({
        // Uptime is reported over the last 30 days: the history keeps those at least.
        retentionDays: Days(30, ' (uptime is reported over the last 30 days)').default(90),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info') })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        pushover: z
          .object({
            token: z.string().min(1).optional(),
            apiUrl: HttpUrl.default('https://api.pushover.net'),
          })
          .strict()
          .prefault({}),
        email: z
          .object({
            resendApiKey: z.string().min(1).optional(),
            resendBaseUrl: HttpUrl.optional(),
            from: z.string().min(3).optional(),
          })
          .strict()
          .prefault({}),
        webhook: z
          .object({
            secret: WebhookSecret.optional(),
          })
          .strict()
          .prefault({}),
        allowPrivateTargets: Flag.default(false),
        // Where events sent with `alert: true` are alerted.
        defaultType: z.enum(ALERT_TYPES, { error: `must be one of ${ALERT_TYPES.join(', ')}` }).optional(),
        defaultTarget: z.string().min(1).optional(),
        // Alerts no longer pending (sent, failed, superseded) older than this are removed.
        retentionDays: Days(1).default(90),
      })
      .strict()
      .prefault({}),
    // Named channels, as PUT /channels/:name takes them (a webhook gives its own secret):
    // stored at start, read-only through the API.
    channels: z
      .record(
        z.string().regex(/^[\p{L}\p{N}_.:-]{1,50}$/u, { error: 'a channel name is 1 to 50 letters, digits and - _ . :' }),
        ConfigChannel,
      )
      .optional(),
  })
  .strict()
  .superRefine((config, context) => {
    if (typeof config.server.workers === 'number' && config.server.workers > 1 && !config.database.url) {
      context.addIssue({
        code: 'custom',
        path: ['server', 'workers'],
        message: 'more than one worker needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process',
      });
    }
  });

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Environment names of the contract, and the config key each one sets. */
const ENV_KEYS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['PORT', ['server', 'port']],
  ['HOST', ['server', 'host']],
  ['WATCHTOWER_CORS_ORIGINS', ['server', 'corsOrigins']],
  ['WATCHTOWER_MAX_STREAMS', ['server', 'maxStreams']],
  ['WATCHTOWER_PUBLIC_URL', ['server', 'publicUrl']],
  ['WATCHTOWER_TRUST_PROXY', ['server', 'trustProxy']],
  ['WATCHTOWER_AUTH_FAILURE_LIMIT', ['server', 'authFailureLimit']],
  ['WATCHTOWER_WORKERS', ['server', 'workers']],
  ['WATCHTOWER_PASSWORD', ['password']],
  ['DATABASE_URL', ['database', 'url']],
  ['WATCHTOWER_DATA_DIR', ['database', 'dataDir']],
  ['LOG_LEVEL', ['log', 'level']],
  ['PUSHOVER_TOKEN', ['alerts', 'pushover', 'token']],
  ['PUSHOVER_API_URL', ['alerts', 'pushover', 'apiUrl']],
  ['RESEND_API_KEY', ['alerts', 'email', 'resendApiKey']],
  ['RESEND_BASE_URL', ['alerts', 'email', 'resendBaseUrl']],
  ['WATCHTOWER_MAIL_FROM', ['alerts', 'email', 'from']],
  ['WATCHTOWER_WEBHOOK_SECRET', ['alerts', 'webhook', 'secret']],
  ['WATCHTOWER_ALLOW_PRIVATE_TARGETS', ['alerts', 'allowPrivateTargets']],
  ['WATCHTOWER_ALERT_TYPE', ['alerts', 'defaultType']],
  ['WATCHTOWER_ALERT_TARGET', ['alerts', 'defaultTarget']],
  ['WATCHTOWER_EVENTS_RETENTION_DAYS', ['events', 'retentionDays']],
  ['WATCHTOWER_EVENTS_RETENTION_BY_LEVEL', ['events', 'retentionByLevel']],
  ['WATCHTOWER_ALERTS_RETENTION_DAYS', ['alerts', 'retentionDays']],
  ['WATCHTOWER_RUNS_RETENTION_DAYS', ['runs', 'retentionDays']],
  ['WATCHTOWER_HISTORY_RETENTION_DAYS', ['history', 'retentionDays']],
];

/** Names whose value may instead be read from the file named by `NAME_FILE` (Docker secrets). */
const SECRET_NAMES = new Set(['WATCHTOWER_PASSWORD', 'DATABASE_URL', 'PUSHOVER_TOKEN', 'RESEND_API_KEY', 'WATCHTOWER_WEBHOOK_SECRET']);

function readEnvValue(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  const file = SECRET_NAMES.has(name) ? env[`${name}_FILE`] : undefined;
  if (file) {
    try {
      const content = readFileSync(file, 'utf8').replace(/(\r?\n)+$/, '');
      // Whitespace left around a password is refused, not silently dropped: see Password.
      return name === 'WATCHTOWER_PASSWORD' ? content : content.trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE: cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return undefined;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) {
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function readConfigFile(env: Env, cwd: string): { file?: string; data: Record<string, unknown> } {
  const named = env.WATCHTOWER_CONFIG;
  const file = named ? resolve(cwd, named) : resolve(cwd, 'config/config.json');
  if (!existsSync(file)) {
    if (named) throw new ConfigError(`WATCHTOWER_CONFIG: no file at ${file}`);
    return { data: {} };
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${file}: must hold a JSON object`);
  }
  return { file, data: data as Record<string, unknown> };
}

/**
 * Reads the config file (if any) and the environment, environment first, and validates
 * the whole. Throws a ConfigError that names the offending key.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config & { source: string | undefined } {
  const { file, data } = readConfigFile(env, cwd);
  const merged = structuredClone(data);
  const origin = new Map<string, string>();
  for (const [name, path] of ENV_KEYS) {
    const value = readEnvValue(env, name);
    if (value !== undefined) {
      setPath(merged, path, value);
      origin.set(path.join('.'), name);
    }
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.');
      // An environment variable may set a whole list or object: name it for any key below.
      const envName = [...origin].find(([path]) => key === path || key.startsWith(`${path}.`))?.[1];
      const where = envName ?? (file ? `${key} in ${file}` : key);
      if (issue.code === 'unrecognized_keys') {
        const prefix = key ? `${key}.` : '';
        return `${envName ?? file ?? 'config'}: unknown key ${issue.keys.map((k) => prefix + k).join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return { ...parsed.data, source: file };
}

/** How many processes serve the port: `auto` is one per core on PostgreSQL, and one on PGlite. */
export function workerCount(config: Pick<Config, 'server' | 'database'>, cores = availableParallelism()): number {
  const { workers } = config.server;
  if (workers !== 'auto') return workers;
  return config.database.url ? cores : 1;
}
