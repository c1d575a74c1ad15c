import type { Heartbeat, Run } from '@watchtower/protocol';
import type { RunOutcome } from '@watchtower/protocol/vocabulary';
import { formatAgo, formatCountdown, formatDateTime, formatDuration } from './durations.js';
import { boardStatus } from './heartbeat-status.js';

/** A service's schedule in words: "every 1 h", "cron 15 3 * * 1-5 in Europe/Paris", … */
export function scheduleWords(hb: Pick<Heartbeat, 'schedule' | 'nextIn'>): string {
  const schedule = hb.schedule ?? { kind: 'nextIn', nextIn: hb.nextIn };
  if (schedule.kind === 'period') return `every ${formatDuration(schedule.period)}`;
  if (schedule.kind === 'cron') return `cron ${schedule.cron} in ${schedule.tz}`;
  return `each pulse says when the next is due; the latest said within ${formatDuration(schedule.nextIn)}`;
}

/** What the status means for this service now, in a sentence (`now`: Unix seconds, server time). */
export function stateWords(hb: Heartbeat, now: number): string {
  const status = boardStatus(hb, now);
  const deadline = `${formatCountdown(hb.expected - now)} (${formatDateTime(hb.expected)})`;
  switch (status) {
    case 'new':
      return 'Waiting for its first signal: no alert is sent before it.';
    case 'paused':
      return 'Paused: no alert is sent, whatever it does, until it is resumed.';
    case 'cancelled':
      return 'Cancelled: no longer expected; its next pulse arms it again.';
    case 'started': {
      const started = hb.lastRun?.outcome === 'running' ? hb.lastRun.started : null;
      const since = started === null ? '' : ` since ${formatDateTime(started)} (${formatAgo(now - started)})`;
      return `A run is under way${since}; it must end ${deadline}.`;
    }
    case 'late':
      return `Late soon: its deadline is ${deadline}${hb.warnBefore ? `, closer than its warnBefore of ${formatDuration(hb.warnBefore)}` : ''}.`;
    case 'dead':
      return `Dead: its deadline passed ${formatDateTime(hb.expected)}${hb.alerted ? '; its owner was alerted' : ''}.`;
    default:
      return `Expected ${deadline}.`;
  }
}

/** A pulse message on one line for a listing: spaces collapsed, cut at `max` characters with "…". */
export function shortMessage(message: string, max = 80): string {
  const line = message.replace(/\s+/g, ' ').trim();
  const characters = [...line];
  return characters.length <= max
    ? line
    : `${characters
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

export interface PingUrl {
  label: string;
  url: string;
  what: string;
}

/** The ping URLs of a service, in Healthchecks' form: a client written for it works unchanged. */
export function pingUrls(pingUrl: string): PingUrl[] {
  return [
    { label: 'Success', url: pingUrl, what: 'a run succeeded (a pulse)' },
    { label: 'Start', url: `${pingUrl}/start`, what: 'a run started: it then has its max runtime to end' },
    { label: 'Failure', url: `${pingUrl}/fail`, what: 'a run failed: the service is dead at once and alerted' },
    { label: 'Log', url: `${pingUrl}/log`, what: 'a message for the signal log, with no change of state' },
  ];
}

/** The command that pings a URL from a crontab: quiet unless it fails, 10 s at most per try, 5 retries. */
export function curlCommand(url: string): string {
  return `curl -fsS -m 10 --retry 5 -o /dev/null ${url}`;
}

/** A crontab line that runs a job on the service's schedule and pings on success. */
export function crontabLine(hb: Pick<Heartbeat, 'schedule'>, url: string): string {
  const when = hb.schedule?.kind === 'cron' ? hb.schedule.cron : '0 3 * * *';
  return `${when} /usr/local/bin/job.sh && ${curlCommand(url)}`;
}

export const OUTCOME_WORDS: Readonly<Record<RunOutcome, string>> = {
  running: 'running',
  success: 'success',
  fail: 'failed',
  timeout: 'timed out',
};

/** How long a run took, or has run so far; "—" when it ended without a start. */
export function runDurationWords(run: Run, now: number): string {
  if (run.duration !== null) return formatDuration(run.duration);
  if (run.started !== null && run.ended === null) return `${formatDuration(Math.floor(now - run.started))} so far`;
  return '—';
}

/** The runs listed, newest first, and the cursor of the next page. */
export interface RunListing {
  runs: Run[];
  next: string | null;
}

/**
 * The newest page asked again (a run started or ended): its runs replace the ones listed
 * with the same id and come first; older pages already loaded stay.
 */
export function mergeNewestRuns(listing: RunListing, page: RunListing): RunListing {
  const fresh = new Map(page.runs.map((run) => [run.id, run]));
  const kept = listing.runs.filter((run) => !fresh.has(run.id));
  const runs = [...page.runs, ...kept].sort((a, b) => b.id - a.id);
  // The older pages' cursor still holds when more than the first page was loaded.
  return { runs, next: listing.runs.length > page.runs.length ? listing.next : page.next };
}

/** The next page, after the runs listed. */
export function appendRuns(listing: RunListing, page: RunListing): RunListing {
  const known = new Set(listing.runs.map((run) => run.id));
  return { runs: [...listing.runs, ...page.runs.filter((run) => !known.has(run.id))], next: page.next };
}
