import type { StreamChange } from '@watchtower/protocol';
import postgres from 'postgres';
import { LocalFanOut, type ChangeFeed } from './change-feed.js';
import type { Logger } from '../lib/logger.js';

const CHANNEL = 'watchtower_changes';
// NOTIFY payloads stop at 8000 bytes; an event's long message is cut to fit.
const MAX_PAYLOAD = 7_500;

/** A change as one NOTIFY carries it, in JSON: an event's long message is cut to fit. */
function payloadOf(change: StreamChange): { text: string; bytes: number } {
  const text = JSON.stringify(change);
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_PAYLOAD || change.type !== 'event') return { text, bytes };
  let message = change.event.message.slice(0, 1_000);
  // Not between the two halves of a character beyond the BMP (an emoji): a lone half is not text.
  if (/[\uD800-\uDBFF]$/.test(message)) message = message.slice(0, -1);
  const cut = JSON.stringify({ ...change, event: { ...change.event, message: `${message}… (cut; the full text is in GET /events)` } });
  return { text: cut, bytes: Buffer.byteLength(cut) };
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
      // Each process hears every change of every process: with no reader here, none is read.
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
  const send = (texts: string[]) => {
    if (texts.length === 0) return;
    client.notify(CHANNEL, `[${texts.join(',')}]`).catch((error: unknown) => log.warn({ err: error }, 'change notification failed'));
  };
  const flush = () => {
    flushing = false;
    const changes = pending;
    pending = [];
    // Each change is written to JSON once, and the chunks joined from those texts.
    let chunk: string[] = [];
    let size = 2;
    for (const change of changes) {
      const { text, bytes } = payloadOf(change);
      if (size + bytes + 1 > MAX_PAYLOAD && chunk.length > 0) {
        send(chunk);
        chunk = [];
        size = 2;
      }
      chunk.push(text);
      size += bytes + 1;
    }
    send(chunk);
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
