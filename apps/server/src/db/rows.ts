import { getTableColumns, type Table } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import {
  alerts,
  apiKeys,
  channels,
  events,
  flips,
  heartbeats,
  runs,
  type AlertRow,
  type ApiKeyRow,
  type ChannelRow,
  type EventRow,
  type FlipRow,
  type HeartbeatRow,
  type RunRow,
} from './schema.js';

/** How one column type is selected and read back. */
interface ColumnCodec {
  select(column: string): string;
  read(value: unknown): unknown;
}

const asIs: ColumnCodec = { select: (column) => column, read: (value) => value };
const asNumber: ColumnCodec = { select: (column) => column, read: (value) => Number(value) };

// Times travel as epoch milliseconds: PGlite and postgres.js each parse timestamps their
// own way, with different precision. Every statement that answers rows selects them so.
const CODECS: Record<string, ColumnCodec> = {
  PgText: asIs,
  PgBoolean: asIs,
  PgInteger: asNumber,
  PgDoublePrecision: asNumber,
  PgBigInt53: asNumber,
  // Both drivers answer text[] as an array of strings.
  PgArray: asIs,
  PgTimestamp: {
    select: (column) => `extract(epoch from ${column}) * 1000`,
    read: (value) => new Date(Number(value)),
  },
  PgJsonb: { select: (column) => column, read: (value) => (typeof value === 'string' ? JSON.parse(value) : value) },
};

/** A computed time (an aggregate such as the earliest deadline), selected the way row times are. */
export const selectInstant = (expression: string, name: string): string => `${CODECS.PgTimestamp!.select(expression)} as ${name}`;

/** A time selected by `selectInstant`; null stays null. */
export const readInstant = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(Number(value)));

/** Turns a table's rows, as a statement answers them, into its typed row objects. */
export interface RowReader<Row> {
  /** The select (or returning) list of every column, each under its own name; `alias` qualifies them. */
  columns(alias?: string): string;
  /** One answered row as the table's typed row. */
  read(record: Record<string, unknown>): Row;
}

/** The reader of a table, built from its drizzle definition: a new column needs no code here. */
export function rowReader<T extends Table>(table: T): RowReader<T['$inferSelect']> {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => {
    const codec = CODECS[column.columnType];
    if (!codec) throw new Error(`no row codec for ${column.columnType} (column ${key})`);
    return { key, name: toSnakeCase(column.name), codec };
  });
  return {
    columns: (alias) => {
      const prefix = alias ? `${alias}.` : '';
      return columns.map(({ name, codec }) => `${codec.select(prefix + name)} as ${name}`).join(', ');
    },
    read: (record) => {
      const row: Record<string, unknown> = {};
      for (const { key, name, codec } of columns) {
        const value = record[name];
        row[key] = value === null || value === undefined ? null : codec.read(value);
      }
      return row as T['$inferSelect'];
    },
  };
}

export const heartbeatRows: RowReader<HeartbeatRow> = rowReader(heartbeats);
export const eventRows: RowReader<EventRow> = rowReader(events);
export const alertRows: RowReader<AlertRow> = rowReader(alerts);
export const runRows: RowReader<RunRow> = rowReader(runs);
export const apiKeyRows: RowReader<ApiKeyRow> = rowReader(apiKeys);
export const flipRows: RowReader<FlipRow> = rowReader(flips);
export const channelRows: RowReader<ChannelRow> = rowReader(channels);
