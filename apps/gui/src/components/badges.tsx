import type { AlertStatus } from '@watchtower/protocol';
import { STATUS_WORDS, type BoardStatus } from '../lib/heartbeat-status.js';
import { levelBand, levelLabel } from '../lib/levels.js';

const STATUS_MARKS: Record<BoardStatus, string> = {
  dead: '✕',
  late: '!',
  started: '▶',
  alive: '✓',
  new: '○',
  paused: '⏸',
  cancelled: '–',
};

/** A status by colour, by mark and by word: never by colour alone. */
export function StatusBadge({ status }: { status: BoardStatus }) {
  return (
    <span className={`badge status-${status}`} data-status={status}>
      <span className="mark" aria-hidden="true">
        {STATUS_MARKS[status]}
      </span>
      {STATUS_WORDS[status]}
    </span>
  );
}

export function LevelBadge({ level }: { level: number }) {
  return (
    <span className={`badge level level-${levelBand(level)}`} title={`level ${level}`}>
      {levelLabel(level)}
    </span>
  );
}

export function AlertStatusBadge({ status }: { status: AlertStatus }) {
  const words: Record<AlertStatus, string> = { pending: 'pending', sent: 'sent', failed: 'failed', superseded: 'not sent' };
  const why = status === 'superseded' ? 'The service recovered first; its recovery alert said both.' : undefined;
  return (
    <span className={`badge alert-${status}`} title={why}>
      {words[status]}
    </span>
  );
}
