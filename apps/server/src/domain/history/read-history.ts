import { UP_STATUSES, UPTIME_WINDOWS, type Uptime, type UptimeWindow } from '@watchtower/protocol';
import { flipRows, heartbeatRows } from '../../db/rows.js';
import type { FlipRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../events/event-cursor.js';
import { serviceNotFound } from '../heartbeats/configure-service.js';
import { recordedStatus, SERVER_FLIPS } from './record-flips.js';

// A page of a service's flips with the server's downtimes among them, each branch walking
// flips_service_at_idx from the cursor on. A downtime shows as a flip to `unknown` and one
// back to the state the service had; those before the service's first flip are left out.
const LIST_FLIPS = `
with own as (
  select id, at, from_status, to_status, cause from flips
  where service = $1 and ($2::timestamptz is null or (at, id) < ($2::timestamptz, $3::bigint))
  order by at desc, id desc limit $4
),
server as (
  select s.id, s.at, s.cause,
    (select o.to_status from flips o where o.service = $1 and o.at <= s.at order by o.at desc, o.id desc limit 1) as state
  from flips s
  where s.service = $5 and s.at >= (select min(at) from flips where service = $1)
    and ($2::timestamptz is null or (s.at, s.id) < ($2::timestamptz, $3::bigint))
  order by s.at desc, s.id desc limit $4
),
merged as (
  select id, $1::text as service, at, from_status, to_status, cause from own
  union all
  select id, $1::text, at,
    case when cause = 'serverDown' then state else 'unknown' end,
    case when cause = 'serverDown' then 'unknown' else state end,
    cause
  from server where state is not null
)
select ${flipRows.columns()} from merged order by merged.at desc, merged.id desc limit $4`;

// Each window's uptime: seconds up / seconds up or down. The service's states are laid end
// to end from its flips (from $3, the start of the longest window); the server's downtimes
// are cut out of them, and time in any other state (or before it existed) is not counted.
const UPTIME = `
with windows as (
  select name, tstzrange($2::timestamptz - seconds * interval '1 second', $2::timestamptz) as span
  from unnest($5::text[], $6::float8[]) as w(name, seconds)
),
first_flip as (select at, from_status from flips where service = $1 order by at, id limit 1),
points as (
  -- Before its first flip a service was in that flip's from state (null: it did not exist);
  -- one without any flip (older than the history) has been in its present state ($4) since created.
  select least(h.created_at, coalesce(f.at, h.created_at), $2::timestamptz) as at, 0::bigint as id,
    case when f.at is null then $4 else f.from_status end as state
  from heartbeats h left join first_flip f on true where h.service = $1
  union all
  (select at, id, to_status from flips where service = $1 and at <= $3 order by at desc, id desc limit 1)
  union all
  select at, id, to_status from flips where service = $1 and at > $3 and at <= $2
),
segments as (
  select state, tstzrange(at, coalesce(lead(at) over (order by at, id), $2::timestamptz)) as span from points
),
downtime as (
  select coalesce(range_agg(tstzrange(d.at, u.at)), '{}'::tstzmultirange) as spans
  from flips d cross join lateral (
    select min(at) as at from flips where service = $9 and cause = 'serverUp' and at >= d.at
  ) u
  where d.service = $9 and d.cause = 'serverDown' and d.at < $2 and (u.at is null or u.at > $3)
),
counted as (
  select w.name, s.state = any($8::text[]) as down,
    (select coalesce(sum(extract(epoch from upper(r) - lower(r))), 0)
     from unnest(tstzmultirange(s.span * w.span) - d.spans) r) as seconds
  from windows w cross join segments s cross join downtime d
  where s.state = any($7::text[]) or s.state = any($8::text[])
)
select w.name,
  (select sum(c.seconds) filter (where not c.down) / nullif(sum(c.seconds), 0) from counted c where c.name = w.name) as uptime
from windows w`;

const WINDOW_NAMES = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];
const DOWN_STATUSES = ['dead'];

/**
 * A service's history: its flips, newest first, a page at a time (with the cursor of the
 * next page), and its uptime over the last 24 hours, 7 days and 30 days.
 */
export async function readHistory(
  { db, clock }: DomainContext,
  { service, limit, before }: { service: string; limit: number; before?: string | undefined },
): Promise<{ flips: FlipRow[]; next: string | null; uptime: Uptime }> {
  const [record] = await db.query(`select ${heartbeatRows.columns()} from heartbeats where service = $1`, [service]);
  if (!record) throw serviceNotFound(service);
  const cursor = before === undefined ? null : decodeCursor(before);
  const now = clock.now();
  // One row more than asked says whether another page follows.
  const rows = (
    await db.query(LIST_FLIPS, [service, cursor && new Date(cursor.dateMs).toISOString(), cursor?.id ?? null, limit + 1, SERVER_FLIPS])
  ).map(flipRows.read);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const longest = Math.max(...Object.values(UPTIME_WINDOWS));
  const windows = await db.query(UPTIME, [
    service,
    now.toISOString(),
    new Date(now.getTime() - longest * 1000).toISOString(),
    recordedStatus(heartbeatRows.read(record), now),
    WINDOW_NAMES,
    WINDOW_NAMES.map((name) => UPTIME_WINDOWS[name]),
    UP_STATUSES,
    DOWN_STATUSES,
    SERVER_FLIPS,
  ]);
  const share = (name: UptimeWindow) => {
    const value = windows.find((row) => row.name === name)?.uptime;
    return value === null || value === undefined ? null : Number(value);
  };
  return {
    flips: page,
    next: rows.length > limit && last ? encodeCursor({ dateMs: last.at.getTime(), id: last.id }) : null,
    uptime: { '24h': share('24h'), '7d': share('7d'), '30d': share('30d') },
  };
}
