import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ROUTES } from './index.js';
import { buildOpenApi, openApiPath } from './openapi.js';

type Schema = { type?: unknown; anyOf?: Schema[]; properties?: Record<string, Schema>; $ref?: string };
type Operation = {
  operationId: string;
  deprecated?: boolean;
  security: unknown[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  parameters: Array<{ name: string; in: string; schema: Schema }>;
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
  servers?: Array<{ url: string }>;
};

type Spec = Parameters<Validator['validate']>[0];

const document = buildOpenApi({ version: '1.2.3', serverUrl: 'https://watch.example.com' }) as unknown as Document;
const operationOf = (method: string, path: string) => document.paths[openApiPath(path)]?.[method.toLowerCase()];

/** The properties of a request body, with the JSON types each may take. */
function bodyTypes(name: keyof typeof ROUTES): Record<string, unknown> {
  const ref = operationOf(ROUTES[name].method, ROUTES[name].paths[0])!.requestBody!.content['application/json']!.schema.$ref!;
  const schema = document.components.schemas[ref.replace('#/components/schemas/', '')]!;
  return Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([field, property]) => {
      const variants = property.anyOf ?? [property];
      return [field, variants.flatMap((variant) => variant.type ?? [])];
    }),
  );
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as Spec);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.servers).toEqual([{ url: 'https://watch.example.com' }]);
    const broken = { ...structuredClone(document), paths: { '/x': { get: { responses: 'none' } } } };
    expect((await new Validator().validate(broken as Spec)).valid).toBe(false);
  });

  it('has every method and path of ROUTES, classic aliases included, with unique operation ids', () => {
    const ids: string[] = [];
    for (const route of Object.values(ROUTES)) {
      for (const path of route.paths) {
        const operation = operationOf(route.method, path);
        expect(operation, `${route.method} ${path}`).toBeDefined();
        ids.push(operation!.operationId);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(openApiPath('/badge/:badgeKey/:service{[^/]+\\.svg}')).toBe('/badge/{badgeKey}/{service}.svg');
    expect(Object.keys(document.paths).some((path) => path.includes(':'))).toBe(false);
  });

  it('marks the classic paths as kept for existing clients, not the ping URLs', () => {
    expect(operationOf('POST', '/heartbeat')!.deprecated).toBeUndefined();
    expect(operationOf('POST', '/')!.deprecated).toBe(true);
    expect(operationOf('POST', '/add-event')!.deprecated).toBe(true);
    expect(operationOf('GET', '/get/:service')!.deprecated).toBe(true);
    expect(operationOf('GET', '/ping/:key/:slug')!.deprecated).toBeUndefined();
  });

  it('asks credentials of every call with a scope, and none of the public ones', () => {
    for (const route of Object.values(ROUTES)) {
      const operation = operationOf(route.method, route.paths[0])!;
      expect(operation.security.length > 0, route.paths[0]).toBe(route.scope !== null);
      expect('401' in operation.responses, route.paths[0]).toBe(route.scope !== null);
    }
  });

  it('describes the fields of the pulse, service, event and snooze bodies with their types', () => {
    expect(bodyTypes('pulse')).toEqual({
      service: ['string'],
      alertType: ['string'],
      alertTarget: ['string'],
      nextIn: ['number', 'string'],
      message: ['string'],
      rid: ['string'],
      remindEvery: ['number', 'string', 'null'],
      warnBefore: ['number', 'string', 'null'],
      dependsOn: ['array', 'null'],
      channels: ['array', 'null'],
    });
    expect(bodyTypes('putService')).toMatchObject({
      alertType: ['string'],
      nextIn: ['number', 'string'],
      cron: ['string'],
      tags: ['array'],
      grace: ['number', 'string'],
    });
    expect(bodyTypes('patchService')).toMatchObject({ maxRuntime: ['number', 'string', 'null'], tags: ['array', 'null'] });
    expect(bodyTypes('addEvent')).toEqual({
      service: ['string'],
      level: ['integer', 'string'],
      message: ['string'],
      alert: ['boolean', 'string'],
    });
    expect(bodyTypes('snoozeService')).toEqual({ until: ['number', 'string'], for: ['number', 'string'] });
    expect(bodyTypes('snoozeMany')).toEqual({ tag: ['string'], until: ['number', 'string'], for: ['number', 'string'] });
  });

  it('takes bodies as JSON or as urlencoded forms', () => {
    const content = operationOf('POST', '/heartbeat')!.requestBody!.content;
    expect(Object.keys(content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
  });

  it('describes the query parameters of the lists', () => {
    const names = operationOf('GET', '/events')!
      .parameters.filter((p) => p.in === 'query')
      .map((p) => p.name);
    expect(names).toEqual(['service', 'from', 'to', 'level', 'message', 'limit', 'before']);
    const limit = operationOf('GET', '/events')!.parameters.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 1000 });
  });

  it('says which answers are plain text, SVG or server-sent events', () => {
    expect(Object.keys(operationOf('GET', '/ping/:token')!.responses['200']!.content!)).toEqual(['text/plain']);
    expect(Object.keys(operationOf('GET', ROUTES.serviceBadge.paths[0])!.responses['200']!.content!)).toEqual(['image/svg+xml']);
    expect(Object.keys(operationOf('GET', '/stream')!.responses['200']!.content!)).toEqual(['text/event-stream']);
  });

  it('describes the error answer and the Retry-After of a 503', () => {
    const responses = operationOf('POST', '/heartbeat')!.responses;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '413', '415', '503']));
    expect(responses['503']!.headers).toHaveProperty('Retry-After');
    expect(document.components.schemas.ErrorResponse!.properties).toHaveProperty('hint');
    expect(document.components.schemas.ErrorResponse!.properties).toHaveProperty('requestId');
  });

  it('names the shapes answers carry, each described once and referred to', () => {
    const schemas = document.components.schemas as Record<string, Schema & { description?: string }>;
    for (const name of ['Heartbeat', 'Event', 'Run', 'Key', 'Flip', 'AlertDelivery'])
      expect(schemas[name]!.description, name).toMatch(/\S/);
    expect(schemas.GetHeartbeatResponse!.properties!.heartBeat).toEqual({ $ref: '#/components/schemas/Heartbeat' });
  });
});
