import type { Event } from '@watchtower/protocol';
import { parseLevel } from '@watchtower/protocol/vocabulary';

/** One server-sent event: its name (`message` when it has none) and its data. */
export interface ServerEvent {
  event: string;
  data: string;
}

/** The server-sent events of a streaming answer's body, as they arrive. */
export async function* readServerEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent, void, undefined> {
  const decoder = new TextDecoder();
  let pending = '';
  let event = 'message';
  let data: string[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split(/\r\n|\r|\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
  }
}

/** The filters an event followed live is checked against, as the list applies them. */
export interface FollowFilters {
  /** Exactly this service. */
  service?: string | undefined;
  /** This level or above: a name or a number. */
  level?: string | number | undefined;
  /** Messages containing this text, case-insensitive, taken literally. */
  message?: string | undefined;
}

/** A test of an event against the filters; throws a TypeError for a level it cannot read. */
export function eventMatcher(filters: FollowFilters): (event: Event) => boolean {
  const level = filters.level === undefined ? undefined : parseLevel(filters.level);
  if (filters.level !== undefined && level === undefined) {
    throw new TypeError(`watchtower: level must be a level name or a whole number ≥ 0; received ${JSON.stringify(filters.level)}`);
  }
  const text = filters.message?.toLowerCase();
  return (event) =>
    (filters.service === undefined || event.service === filters.service) &&
    (level === undefined || event.level >= level) &&
    (text === undefined || event.message.toLowerCase().includes(text));
}
