import type { KeyScope } from '@watchtower/protocol/vocabulary';
import { formatAgo } from './durations.js';

/** When a key was last used, in words: "never", "just now", "5 min ago". */
export function lastUsedWords(lastUsed: number | null, now: number): string {
  return lastUsed === null ? 'never' : formatAgo(now - lastUsed);
}

/** The name typed for a new key, trimmed, or why it cannot be used. */
export function checkKeyName(text: string): { name: string } | { error: string } {
  const name = text.trim();
  if (!name) return { error: 'Name the key after who or what will use it: a host, a tool, a person.' };
  return { name };
}

/**
 * A first call with a new key, sent as `Authorization: Bearer`: a pulse for a pulse key,
 * the list of heartbeats for the others.
 */
export function curlExample(origin: string, secret: string, scope: KeyScope): string {
  const auth = `-H "Authorization: Bearer ${secret}"`;
  if (scope === 'pulse') {
    return `curl -s ${origin}/heartbeat ${auth} -H 'content-type: application/json' \\
  -d '{"service":"nightly-backup","alertType":"log","alertTarget":"ops","nextIn":3600}'`;
  }
  return `curl -s ${origin}/heartbeats ${auth}`;
}
