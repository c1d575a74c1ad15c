import type { AddEventRequest } from '@watchtower/protocol';
import type { Database } from '../../db/client.js';
import { events, type EventRow } from '../../db/schema.js';

/** Stores an event dated `received` (the server's clock). */
export async function addEvent(db: Database, event: AddEventRequest, received: Date): Promise<EventRow> {
  const [row] = await db
    .insert(events)
    .values({ service: event.service, level: event.level, message: event.message, date: received })
    .returning();
  if (!row) throw new Error('the event insert returned no row');
  return row;
}
