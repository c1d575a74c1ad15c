import type { Event, Flip, Heartbeat, Key, Run, Uptime } from '@watchtower/protocol';
import { formatDuration, levelName } from '@watchtower/protocol/vocabulary';
import { keepHead } from './cut-text.js';

// C0 controls but newline and tab, DEL, C1 (a lone 0x9b starts an escape sequence too),
// and the bidirectional overrides that reorder what is shown.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters to escape
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the server as a terminal should show it: control characters written as
 * `\x1b` or `\u202e` escapes, so that a message cannot clear the screen, set the
 * window title or rewrite a line.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Unix seconds as local `YYYY-MM-DD HH:MM:SS`. */
export function formatDate(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}

/** `in 5 min` or `3 h ago`, from `now` (Unix seconds). */
export function formatRelative(unixSeconds: number, now: number): string {
  const delta = unixSeconds - now;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** Columns padded to their widest cell; the last one is not padded. */
export function formatTable(cells: string[][]): string {
  const rows = cells.map((row) => row.map(escapeControls));
  const widths: number[] = [];
  for (const row of rows) {
    for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, [...cell].length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - [...cell].length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The end of a service's snooze (Unix seconds), when it is snoozed at `now`. */
function snoozeEndOf(beat: Heartbeat, now: number): number | undefined {
  return beat.snoozedUntil && beat.snoozedUntil > now ? beat.snoozedUntil : undefined;
}

/** Heartbeats as a table; a SNOOZE ENDS column shows when some service is snoozed. */
export function formatHeartbeats(heartbeats: Heartbeat[], now: number): string {
  const snoozed = heartbeats.some((beat) => snoozeEndOf(beat, now) !== undefined);
  const rows = heartbeats.map((beat) => {
    const snoozeEnd = snoozeEndOf(beat, now);
    return [
      beat.service,
      beat.status,
      formatRelative(beat.last, now),
      beat.cancelled ? '-' : formatRelative(beat.expected, now),
      ...(snoozed ? [snoozeEnd === undefined ? '-' : formatRelative(snoozeEnd, now)] : []),
      `${beat.alertType}:${beat.alertTarget}`,
    ];
  });
  const head = ['SERVICE', 'STATUS', 'LAST PULSE', 'DEADLINE', ...(snoozed ? ['SNOOZE ENDS'] : []), 'ALERT'];
  return formatTable([head, ...rows]);
}

/** One line per event (date, level, service, message); further lines of a message are indented. */
export function formatEvents(events: Event[]): string {
  const rows = events.map((event) => [formatDate(event.date), levelName(event.level), escapeControls(event.service)]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  return events
    .map((event, index) => {
      const head = (rows[index] ?? []).map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - [...cell].length)).join('  ');
      const [first = '', ...more] = event.message.split('\n').map(escapeControls);
      const indent = ' '.repeat(head.length + 2);
      return [`${head}  ${first}`, ...more.map((line) => indent + line)].join('\n');
    })
    .join('\n');
}

/** When a service is expected: `cron "15 3 * * 1-5" in Europe/Paris, grace 30 min, max runtime 2 h`. */
export function formatSchedule(beat: Heartbeat): string {
  const schedule = beat.schedule ?? { kind: 'nextIn', nextIn: beat.nextIn };
  const parts = [
    schedule.kind === 'cron'
      ? `cron "${schedule.cron}" in ${schedule.tz}`
      : schedule.kind === 'period'
        ? `every ${formatDuration(schedule.period)}`
        : `within ${formatDuration(schedule.nextIn)} of each pulse`,
  ];
  if (beat.grace) parts.push(`grace ${formatDuration(beat.grace)}`);
  if (beat.maxRuntime) parts.push(`max runtime ${formatDuration(beat.maxRuntime)}`);
  return parts.join(', ');
}

/** What is alerted besides a death: `late notice 10 min before each deadline; reminders every 1 h while dead; depends on db`. */
export function formatLifecycle(beat: Heartbeat): string | undefined {
  const parts: string[] = [];
  if (beat.warnBefore) parts.push(`late notice ${formatDuration(beat.warnBefore)} before each deadline`);
  if (beat.remindEvery) parts.push(`reminders every ${formatDuration(beat.remindEvery)} while dead`);
  if (beat.dependsOn?.length) parts.push(`depends on ${beat.dependsOn.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

// Characters of a message shown in a table; --json has it whole.
const MESSAGE_COLUMN = 80;

/** The last line of a message that has text, cut to fit a table. */
function lastLineOf(message: string | null): string {
  const line = (message ?? '').split('\n').findLast((each) => each.trim() !== '') ?? '';
  return line.length > MESSAGE_COLUMN ? `${keepHead(line, MESSAGE_COLUMN - 1)}…` : line;
}

/** Runs as a table, newest first: started, duration, outcome, exit code, the last line of the message. */
export function formatRuns(runs: Run[], now: number): string {
  const rows = runs.map((run) => {
    const at = run.started ?? run.ended;
    const duration =
      run.duration !== null
        ? formatDuration(run.duration)
        : run.outcome === 'running' && run.started !== null
          ? `${formatDuration(now - run.started)} so far`
          : '-';
    return [
      at === null ? '-' : formatDate(at),
      duration,
      run.outcome,
      run.exitCode === null ? '-' : String(run.exitCode),
      lastLineOf(run.message),
    ];
  });
  return formatTable([['STARTED', 'DURATION', 'OUTCOME', 'EXIT', 'MESSAGE'], ...rows]);
}

/** One line per key: id, name, scope, when made, when last used. */
export function formatKeys(keys: Key[], now: number): string {
  const rows = keys.map((key) => [
    key.id,
    key.name,
    key.scope,
    formatDate(key.created),
    key.lastUsed === null ? 'never' : formatRelative(key.lastUsed, now),
  ]);
  return formatTable([['ID', 'NAME', 'SCOPE', 'CREATED', 'LAST USED'], ...rows]);
}

/** An uptime share as a percentage with two decimals, or "-" when nothing is known. */
function percentOf(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(2)} %`;
}

/** The uptime over each window on one line, then one line per change of state, newest first. */
export function formatHistory(flips: Flip[], uptime: Uptime): string {
  const windows = (Object.keys(uptime) as (keyof Uptime)[]).map((window) => `${window} ${percentOf(uptime[window])}`);
  const rows = flips.map((flip) => [formatDate(flip.at), flip.from ?? '-', flip.to, flip.cause]);
  const table = flips.length > 0 ? formatTable([['AT', 'FROM', 'TO', 'CAUSE'], ...rows]) : 'no changes of state yet';
  return `uptime: ${windows.join(', ')}\n${table}`;
}
