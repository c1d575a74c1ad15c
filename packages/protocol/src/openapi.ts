// The API as an OpenAPI 3.1 document, made from ROUTES, the words of ROUTE_DOCS and the
// protocol's zod schemas (request bodies as clients send them, answers as servers write them).
import { z } from 'zod';
import { PASSWORD_HEADER, ROUTES, type RouteEntry } from './constants.js';
import { KEY_SCOPES, coversScope, type KeyScope } from './vocabulary.js';
import { Flip, HistoryResponse, Uptime } from './history.js';
import { CreateKeyRequest, CreateKeyResponse, DeleteKeyResponse, Key, ListKeysResponse } from './keys.js';
import { DOC_TAGS, ROUTE_DOCS, type DocError, type RouteDoc } from './openapi-routes.js';
import { FailRequest, ListRunsResponse, LogRequest, PushResponse, Run, StartRequest } from './runs.js';
import {
  AddEventRequest,
  AddEventResponse,
  AddEventsRequest,
  AddEventsResponse,
  AlertDelivery,
  BadgeEndpoint,
  CancelRequest,
  CancelResponse,
  DashboardSettingsResponse,
  ErrorResponse,
  Event,
  EventsPreset,
  GetHeartbeatResponse,
  HealthResponse,
  Heartbeat,
  ListAlertsResponse,
  EventHistogramResponse,
  HistogramBucket,
  ListEventsResponse,
  ListHeartbeatsResponse,
  LogResponse,
  PulseRequestShape,
  PulseResponse,
  Schedule,
  ServiceName,
  ServiceResponse,
  StreamChange,
} from './schemas.js';
import {
  ChannelBodyShape,
  ChannelResponse,
  ChannelView,
  ListChannelsResponse,
  PutChannelResponse,
  TestChannelResponse,
} from './channels.js';
import { ChannelName, ServicePatch, ServiceSettings, Tag } from './services.js';
import { SnoozeManyRequest, SnoozeManyResponse, SnoozeRequest } from './snooze.js';

export { DOC_TAGS, ROUTE_DOCS, type RouteDoc } from './openapi-routes.js';

type JsonSchema = Record<string, unknown>;
type Components = Record<string, JsonSchema>;

/** Bodies, by the name the reference gives them: described as a client may send them. */
const REQUEST_SCHEMAS = {
  PulseRequest: PulseRequestShape,
  CancelRequest,
  ServiceSettings,
  ServicePatch,
  SnoozeRequest,
  SnoozeManyRequest,
  StartRequest,
  FailRequest,
  LogRequest,
  AddEventRequest,
  AddEventsRequest,
  CreateKeyRequest,
  ChannelBody: ChannelBodyShape,
};

/** Answers and what they carry, by name: described as the server writes them. */
const RESPONSE_SCHEMAS = {
  Heartbeat,
  Schedule,
  Run,
  Event,
  AlertDelivery,
  Key,
  Flip,
  Uptime,
  EventsPreset,
  StreamChange,
  BadgeEndpoint,
  HealthResponse,
  ErrorResponse,
  PushResponse,
  PulseResponse,
  CancelResponse,
  ListHeartbeatsResponse,
  GetHeartbeatResponse,
  ServiceResponse,
  AddEventResponse,
  AddEventsResponse,
  LogResponse,
  ListEventsResponse,
  HistogramBucket,
  EventHistogramResponse,
  ListAlertsResponse,
  ListRunsResponse,
  HistoryResponse,
  CreateKeyResponse,
  ListKeysResponse,
  DeleteKeyResponse,
  SnoozeManyResponse,
  DashboardSettingsResponse,
  ChannelView,
  ListChannelsResponse,
  ChannelResponse,
  PutChannelResponse,
  TestChannelResponse,
};

/** What the reference says of the shapes that answers carry, by name. */
const DESCRIPTIONS: Record<string, string> = {
  Heartbeat:
    'HB: a heartbeat and its state. `last` and `expected` are Unix seconds. The optional fields belong to services configured on the server.',
  Schedule: 'How the deadline is set: `nextIn` (each pulse may change it), `period` (seconds) or `cron` (5 fields, in `tz`).',
  Run: 'RUN: one run of a job. Times are Unix seconds; `started` is null when an end came without a start; `ended`, `duration` and `exitCode` are null while it runs.',
  Event: 'EV: an entry of the event log; `date` is Unix seconds.',
  AlertDelivery: 'An alert and its delivery. Times are Unix seconds.',
  Key: 'KEY: an API key, never with its secret. Times are Unix seconds; `lastUsed` is null for a key never used.',
  Flip: "FLIP: one change of a service's state: when (Unix seconds), from what (null when the service was created), to what, and why.",
  Uptime: 'The share of the time a service was up, from 0 to 1, over the last 24 hours, 7 and 30 days; null when no time counts.',
  StreamChange: 'The data of one server-sent event of `GET /stream`, named by its `type`.',
  ChannelView:
    'A named channel as the server reports it: its settings without any secret (`secrets` names those set), its templates, `source` (`config` when the config file defines it), and `usedBy`, the services that name it. Times are Unix seconds.',
  ErrorResponse:
    'Every error answer: `result` equals the HTTP status; `hint` says what to fix; `requestId` is also the X-Request-Id header.',
};

const refTo = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * JSON Schemas of named zod schemas, referring to one another by `$ref`. The names live in
 * a registry of their own; the words the fields carry (`.meta()`) come from zod's global one.
 */
function componentsOf(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Components {
  const named = z.registry<{ id: string; description?: string }>();
  for (const [id, schema] of Object.entries(schemas)) {
    const description = DESCRIPTIONS[id];
    named.add(schema, { id, ...(description && { description }) });
  }
  const ownMeta = named.get.bind(named);
  const layered = Object.assign(Object.create(named) as typeof named, {
    get: (schema: z.core.$ZodType) => {
      const meta = { ...z.globalRegistry.get(schema), ...ownMeta(schema) };
      return Object.keys(meta).length > 0 ? meta : undefined;
    },
  });
  const { schemas: emitted } = z.toJSONSchema(layered, { io, metadata: layered, uri: (id) => refTo(id).$ref }) as {
    schemas: Record<string, JsonSchema>;
  };
  if ('__shared' in emitted) throw new Error('a schema is shared by components without a name of its own');
  return Object.fromEntries(Object.entries(emitted).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema as JsonSchema]));
}

/** Names of the registered schemas, to refer to them. */
function nameIndex(...tables: Array<Record<string, z.ZodType>>): Map<z.ZodType, string> {
  const index = new Map<z.ZodType, string>();
  for (const table of tables) for (const [name, schema] of Object.entries(table)) index.set(schema, name);
  return index;
}
const NAMES = nameIndex(REQUEST_SCHEMAS, RESPONSE_SCHEMAS);

function schemaRef(schema: z.ZodType): JsonSchema {
  const name = NAMES.get(schema);
  if (!name) throw new Error('a body or answer of ROUTE_DOCS has no name in the components of the reference');
  return refTo(name);
}

/** A schema of its own (a query, a path parameter): inlined, without `$schema`. */
function inlineSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return json;
}

/** What a path parameter is, by its name in ROUTES. */
const PATH_PARAMS: Record<string, { description: string; schema: () => JsonSchema }> = {
  service: { description: "The service's name (URL-encoded).", schema: () => inlineSchema(ServiceName) },
  token: { description: "The service's ping token (its `pingUrl` ends with it).", schema: () => ({ type: 'string' }) },
  key: { description: 'An API key of the pulse or admin scope.', schema: () => ({ type: 'string' }) },
  slug: { description: "The service's name (URL-encoded).", schema: () => inlineSchema(ServiceName) },
  exitCode: {
    description: 'An exit code: 0 is a success, 1 to 255 a failure.',
    schema: () => ({ type: 'integer', minimum: 0, maximum: 255 }),
  },
  badgeKey: { description: "The server's badge key (a service's `badgeUrl` carries it).", schema: () => ({ type: 'string' }) },
  tag: { description: 'A tag of services.', schema: () => inlineSchema(Tag) },
  id: { description: "The key's id.", schema: () => ({ type: 'string' }) },
  version: {
    description: "The package's version after a `v` (`v0.1.0`); another version is a 404.",
    schema: () => ({ type: 'string', pattern: '^v\\d+\\.\\d+\\.\\d+' }),
  },
  name: { description: "The channel's name.", schema: () => inlineSchema(ChannelName) },
};

const PARAM = /:(\w+)(?:\{[^}]*?(?:\\\.(\w+))?\})?/g;

/** A path of ROUTES in OpenAPI's form: `/heartbeat/:service` → `/heartbeat/{service}`, `:service{[^/]+\.svg}` → `{service}.svg`. */
export function openApiPath(path: string): string {
  return path.replace(PARAM, (_, name: string, format?: string) => `{${name}}${format ? `.${format}` : ''}`);
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(PARAM)].map(([, name]) => {
    const param = PATH_PARAMS[name!];
    if (!param) throw new Error(`path parameter :${name} has no description in the reference`);
    return { name, in: 'path', required: true, description: param.description, schema: param.schema() };
  });
}

function queryParameters(query: z.ZodType | undefined): JsonSchema[] {
  if (!query) return [];
  const json = inlineSchema(query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: json.required?.includes(name) ?? false, description, schema: rest };
  });
}

function headerParameters(headers: RouteDoc['headers']): JsonSchema[] {
  return Object.entries(headers ?? {}).map(([name, { description, pattern }]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string', ...(pattern && { pattern }) },
  }));
}

/** `a read or admin key`: every scope that covers `needed`. */
function scopeWords(needed: KeyScope): string {
  return KEY_SCOPES.filter((held) => coversScope(held, needed)).join(' or ');
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};
const PUSH_ERROR = {
  type: 'object',
  properties: { ok: { const: false }, msg: { type: 'string' } },
  required: ['ok', 'msg'],
};

function successContent(doc: RouteDoc): Record<string, unknown> {
  const { response } = doc;
  if (!('media' in response)) return json(schemaRef(response.schema));
  const schemas: Record<string, JsonSchema> = {
    'text/plain': { type: 'string', examples: ['OK'] },
    'image/svg+xml': { type: 'string', description: 'An SVG image.' },
    'text/html': { type: 'string' },
    'text/javascript': { type: 'string', description: 'JavaScript.' },
    'text/event-stream': { type: 'string', description: 'Server-sent events; the data of each is a StreamChange as JSON.' },
    'application/json': { type: 'object' },
    'application/x-ndjson': { type: 'string', description: 'One Event as JSON a line.' },
    'text/csv': { type: 'string', description: 'A header row, then one event a row.' },
  };
  return { [response.media]: { schema: response.schema ? schemaRef(response.schema) : schemas[response.media] } };
}

function errorContent(doc: RouteDoc, status: number): Record<string, unknown> {
  if (doc.errorBody === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  if (doc.errorBody === 'push') return json(PUSH_ERROR);
  if (doc.errorBody === 'success') return successContent(doc);
  return json({ ...refTo('ErrorResponse'), description: `\`result\` is ${status}.` });
}

function responsesOf(route: RouteEntry, doc: RouteDoc): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    200: { description: doc.response.description, content: successContent(doc) },
  };
  for (const [status, description] of Object.entries(doc.errors ?? {}) as Array<[`${DocError}`, string]>) {
    responses[status] = { description, content: errorContent(doc, Number(status)) };
  }
  const jsonError = (description: string, status: number) => ({ description, content: json(refTo('ErrorResponse')), status });
  if (route.scope !== null) {
    responses[401] = {
      ...jsonError('No credentials, or wrong ones.', 401),
      headers: { 'WWW-Authenticate': { description: '`Bearer realm="watchtower"`.', schema: { type: 'string' } } },
    };
    responses[429] = {
      ...jsonError('Too many failed authentications from this address lately; nothing was done.', 429),
      headers: RETRY_AFTER,
    };
    responses[403] ??= jsonError(`The key's scope does not cover this call: it needs a ${scopeWords(route.scope)} key.`, 403);
  }
  if (doc.body || doc.textBody) {
    responses[413] = jsonError('The body is larger than 64 KiB.', 413);
    if (doc.body) responses[415] = jsonError('The body is neither JSON nor an urlencoded form.', 415);
  }
  if (doc.outage !== 'none') {
    const content = doc.outage === 'success' ? successContent(doc) : json(refTo('ErrorResponse'));
    responses[503] = {
      description: 'The server cannot serve now (its database is unavailable); nothing was stored.',
      headers: RETRY_AFTER,
      content,
    };
  }
  for (const response of Object.values(responses)) delete (response as { status?: number }).status;
  return responses;
}

function requestBodyOf(doc: RouteDoc): JsonSchema | undefined {
  if (doc.body) {
    const schema = schemaRef(doc.body);
    return { required: true, content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } } };
  }
  if (doc.textBody) return { required: false, content: { 'text/plain': { schema: { type: 'string', description: doc.textBody } } } };
  return undefined;
}

const SECURITY = [{ password: [] }, { bearer: [] }];

/** A path as the words of an operation id: `/get/:service` → `get_service`, `/` → `root`. */
const pathWords = (path: string) =>
  openApiPath(path)
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '') || 'root';

/** One operation: a method on one path of a call. */
function operation(name: string, route: RouteEntry, doc: RouteDoc, index: number): JsonSchema {
  const path = route.paths[index]!;
  const alias = index > 0 && !doc.equalPaths;
  const notes = [
    alias ? `Kept for existing clients (the classic protocol); prefer \`${route.method} ${openApiPath(route.paths[0]!)}\`.` : undefined,
    doc.description,
    route.scope === null
      ? 'No credentials.'
      : `Needs the password or a key of scope ${scopeWords(route.scope)} (\`${PASSWORD_HEADER}\` header or \`Authorization: Bearer\`).`,
  ];
  const body = requestBodyOf(doc);
  return {
    operationId: index === 0 ? name : `${name}_${pathWords(path)}`,
    summary: alias ? `${doc.summary} (classic path)` : (doc.pathSummary?.(path) ?? doc.summary),
    description: notes.filter(Boolean).join('\n\n'),
    tags: [doc.tag],
    ...(alias && { deprecated: true }),
    parameters: [...pathParameters(path), ...queryParameters(doc.query), ...headerParameters(doc.headers)],
    ...(body && { requestBody: body }),
    responses: responsesOf(route, doc),
    security: route.scope === null ? [] : SECURITY,
  };
}

function pathsOf(): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, route] of Object.entries(ROUTES) as Array<[keyof typeof ROUTES, RouteEntry]>) {
    const doc = ROUTE_DOCS[name];
    route.paths.forEach((path, index) => {
      const key = openApiPath(path);
      paths[key] = { ...paths[key], [route.method.toLowerCase()]: operation(name, route, doc, index) };
    });
  }
  return paths;
}

export interface OpenApiOptions {
  /** The server's version. */
  version: string;
  /** Where the server is reached; the reference's own address when absent. */
  serverUrl?: string | undefined;
}

/** The OpenAPI 3.1 document of the API. */
export function buildOpenApi({ version, serverUrl }: OpenApiOptions): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'watchtower',
      version,
      description:
        "A heartbeat monitor (dead-man's switch) and event log. Every answer has `result`, equal to the HTTP status; an error answer has `hint` (what to fix), `code` and `requestId`. Bodies are JSON or urlencoded forms.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    tags: Object.entries(DOC_TAGS).map(([name, description]) => ({ name, description })),
    paths: pathsOf(),
    components: {
      schemas: { ...componentsOf(REQUEST_SCHEMAS, 'input'), ...componentsOf(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: {
        password: { type: 'apiKey', in: 'header', name: PASSWORD_HEADER, description: 'The password, or an API key.' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The password, or an API key, as `Authorization: Bearer <secret>`.' },
      },
    },
  };
}
