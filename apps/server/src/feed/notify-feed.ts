import type { StreamChange } from '@watchtower/protocol';
import postgres from 'postgres';
import { LocalFanOut, type ChangeFeed } from './change-feed.js';
import type { Logger } from '../lib/logger.js';

const CHANNEL = 'watchtower_changes';
// NOTIFY payloads stop at 8000 bytes; an event's long message is cut to fit.
const MAX_PAYLOAD = 7_500;

/** A change as JSON, within a payload: an event's long message is cut to fit. */
function fit(change: StreamChange): string {
  const text = JSON.stringify(change);
  // A character is at most 3 bytes of UTF-8 for each of its UTF-16 units: a short text fits without counting.
  if (text.length * 3 <= MAX_PAYLOAD || Buffer.byteLength(text) <= MAX_PAYLOAD || change.type !== 'event') return text;
  let message = change.event.message.slice(0, 1_000);
  // Not between the two halves of a character beyond the BMP (an emoji): a lone half is not text.
  if (/[\uD800-\uDBFF]$/.test(message)) message = message.slice(0, -1);
  return JSON.stringify({ ...change, event: { ...change.event, message: `${message}… (cut; the full text is in GET /events)` } });
}

/**
 * A feed shared by every server process on one PostgreSQL: changes travel by
 * LISTEN/NOTIFY, so a page connected to any process sees what every process did.
 */
export async function createNotifyChangeFeed(url: string, log: Logger): Promise<ChangeFeed> {
  const client = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: 'watchtower-feed' } });
  const fanOut = new LocalFanOut();
  let listened = false;
  const listening = await client.listen(
    CHANNEL,
    (payload) => {
      // Nobody in this process reads the feed: the payload need not be read either.
      if (fanOut.size === 0) return;
      try {
        for (const change of JSON.parse(payload) as StreamChange[]) fanOut.deliver(change);
      } catch (error) {
        log.warn({ err: error }, 'unreadable change notification');
      }
    },
    // Called again each time postgres.js listens on a new connection: whatever was
    // notified while the old one was gone is lost, so readers reload instead.
    () => {
      if (listened) {
        log.warn({ subscribers: fanOut.size }, 'change feed listening again; live readers resync');
        fanOut.resync();
      }
      listened = true;
    },
  );
  // Changes published in the same turn of the event loop (a group commit answers many
  // requests at once) travel in as few NOTIFYs as fit, not one each.
  let pending: StreamChange[] = [];
  let flushing = false;
  const flush = () => {
    flushing = false;
    const changes = pending;
    pending = [];
    // Each change is written as JSON once; a payload is those texts joined into an array.
    const chunks: string[][] = [[]];
    let size = 2;
    for (const text of changes.map(fit)) {
      const length = Buffer.byteLength(text) + 1;
      if (size + length > MAX_PAYLOAD && chunks[chunks.length - 1]!.length > 0) {
        chunks.push([]);
        size = 2;
      }
      chunks[chunks.length - 1]!.push(text);
      size += length;
    }
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      client.notify(CHANNEL, `[${chunk.join(',')}]`).catch((error: unknown) => log.warn({ err: error }, 'change notification failed'));
    }
  };
  return {
    publish: (changes) => {
      pending.push(...changes);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
    subscribe: (subscriber) => fanOut.subscribe(subscriber),
    get subscribers() {
      return fanOut.size;
    },
    close: async () => {
      fanOut.end();
      await listening.unlisten().catch(() => undefined);
      await client.end({ timeout: 5 });
    },
  };
}
