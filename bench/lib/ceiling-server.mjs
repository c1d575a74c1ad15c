// The no-storage baseline, run as a child process by servers.mjs: the pulse route as the
// server has it (Hono on @hono/node-server, the body read as JSON, the password checked,
// the protocol's own PulseRequest schema), answering the real route's JSON shape without
// storing anything. No durable pulse can be faster: it is the ceiling the pulse rows are
// divided by. What the server adds on top (its middleware, its logging, the database) is
// what the ratio to this route measures.
//
// The libraries are the server's own: resolved from apps/server (SERVER_PACKAGE), so the
// versions are those of its lock file, loaded as ES modules as the built server loads them.
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const requireFromServer = createRequire(process.env.SERVER_PACKAGE);

/** The ES module entry of a package the server depends on, imported from the server's node_modules. */
async function importFromServer(name) {
  // The folder of the package: up from its CommonJS entry to the package.json that names it.
  const named = (folder) =>
    existsSync(join(folder, 'package.json')) && JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).name === name;
  let folder = dirname(requireFromServer.resolve(name));
  while (!named(folder)) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json of ${name} above ${requireFromServer.resolve(name)}`);
    folder = parent;
  }
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const root = manifest.exports?.['.'] ?? manifest.exports;
  const entry = typeof root === 'string' ? root : (root?.import?.default ?? root?.import ?? manifest.module ?? manifest.main);
  return import(pathToFileURL(join(folder, entry)).href);
}

const [{ Hono }, { serve }, { PulseRequest, describeIssues, PASSWORD_HEADER, ROUTES }] = await Promise.all([
  importFromServer('hono'),
  importFromServer('@hono/node-server'),
  importFromServer('@watchtower/protocol'),
]);

// As the server's createSecretCheck: both sides hashed, compared in constant time.
const digest = (text) => createHash('sha256').update(text, 'utf8').digest();
const expected = digest(process.env.WATCHTOWER_PASSWORD);
const isPassword = (presented) => timingSafeEqual(digest(presented), expected);

const fail = (c, status, hint) => c.json({ result: status, error: { hint } }, status);

const app = new Hono();
app.get('/whoami', (c) => c.text(process.env.BENCH_TOKEN));
app.get('/healthz', (c) => c.json({ result: 200, status: 'ok' }));

for (const path of ROUTES.pulse.paths) {
  app.post(path, async (c) => {
    const presented = c.req.header(PASSWORD_HEADER);
    if (!presented || !isPassword(presented)) return fail(c, 401, 'the password is wrong');
    let body;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer()));
    } catch (error) {
      return fail(c, 400, `the body is not valid JSON: ${error.message}`);
    }
    const parsed = PulseRequest.safeParse(body);
    if (!parsed.success) return fail(c, 400, describeIssues(parsed.error));
    const pulse = parsed.data;
    const now = Math.floor(Date.now() / 1000);
    const nextIn = pulse.nextIn ?? 3600;
    // The real route's answer: the heartbeat as stored, which here is the pulse itself.
    return c.json({
      result: 200,
      action: 'pulse',
      heartBeat: {
        service: pulse.service,
        alertType: pulse.alertType ?? 'log',
        alertTarget: pulse.alertTarget ?? '',
        nextIn,
        last: now,
        expected: now + nextIn,
        alerted: false,
        cancelled: false,
        status: 'up',
        schedule: null,
        grace: 0,
        maxRuntime: null,
        description: null,
        tags: [],
        channels: [],
        remindEvery: null,
        warnBefore: null,
        dependsOn: [],
        message: pulse.message ?? null,
        snoozedUntil: null,
      },
    });
  });
}

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
});
