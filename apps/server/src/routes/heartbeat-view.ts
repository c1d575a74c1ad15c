import { coversScope, type Heartbeat } from '@watchtower/protocol';
import type { Context } from 'hono';
import type { HeartbeatRow } from '../db/schema.js';
import type { ResolvedDeps } from '../deps.js';
import { readBadgeKey } from '../domain/badges/badge-key.js';
import { latestRuns } from '../domain/heartbeats/list-runs.js';
import { toHeartbeat } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';

/** Where clients reach this server: the configured public URL, else the request's origin. */
function publicBase({ config }: ResolvedDeps, c: Context<AppEnv>): string {
  return config.server.publicUrl ?? new URL(c.req.url).origin;
}

/** HBs as the API answers them: each with its latest run, and its ping and badge URLs for read and admin keys. */
export async function heartbeatViews(deps: ResolvedDeps, c: Context<AppEnv>, rows: HeartbeatRow[]): Promise<Heartbeat[]> {
  const { db, clock } = deps;
  const runs = await latestRuns({ db, clock }, { services: rows.map((row) => row.service) });
  const base = publicBase(deps, c);
  const scope = c.get('scope');
  // A pulse key signals services; their ping URLs are secrets of their own, and so is the badge key.
  const showsUrls = scope !== null && coversScope(scope, 'read');
  const badgeKey = showsUrls && rows.length > 0 ? await readBadgeKey({ db, clock }) : null;
  const now = clock.now();
  return rows.map((row) => ({
    ...toHeartbeat(row, now, {
      lastRun: runs.get(row.service) ?? null,
      ...(showsUrls && { pingUrl: `${base}/ping/${row.pingToken}` }),
    }),
    ...(badgeKey !== null && { badgeUrl: `${base}/badge/${badgeKey}/${encodeURIComponent(row.service)}.svg` }),
  }));
}

export async function heartbeatView(deps: ResolvedDeps, c: Context<AppEnv>, row: HeartbeatRow): Promise<Heartbeat> {
  return (await heartbeatViews(deps, c, [row]))[0]!;
}
