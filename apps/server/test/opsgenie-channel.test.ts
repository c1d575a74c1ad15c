import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryError } from '../src/channels/channel.js';
import { DEFAULT_OPSGENIE_API_URL, opsgenieKind } from '../src/channels/opsgenie.js';
import { renderAlert } from '../src/channels/render-alert.js';
import { applyTemplate } from '../src/channels/templates.js';
import type { AlertRow } from '../src/db/schema.js';
import { HOSTILE_SERVICE, loopbackContext, publicOnlyContext, sampleAlert } from './support/sample-alerts.js';
import { type RecordingProvider, startRecordingProvider } from './support/scripted-provider.js';

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
  provider.answerAlways({ status: 202, body: '{"status":202}' });
});
afterAll(() => provider.close());
beforeEach(() => provider.reset());

const API_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';
const settings = (apiUrl = provider.url) => ({ apiKey: API_KEY, apiUrl });

interface OpsgenieAlert {
  message: string;
  alias: string;
  description: string;
  priority: string;
  tags: string[];
  source: string;
  entity: string;
  details: Record<string, string>;
}

async function send(alert: AlertRow, message = renderAlert(alert), apiUrl?: string) {
  const before = provider.requests.length;
  const answer = await opsgenieKind.deliver({ alert, message, settings: settings(apiUrl) }, loopbackContext);
  return { answer, requests: provider.requests.slice(before) };
}

describe('opsgenie channel', () => {
  it('creates the service’s alert on a death and closes the same alias on its recovery', async () => {
    const down = await send(sampleAlert('down'));
    expect(down.answer.status).toBe(202);
    expect(down.requests).toHaveLength(1);
    expect(down.requests[0]).toMatchObject({ method: 'POST', path: '/v2/alerts' });
    expect(down.requests[0]!.headers).toMatchObject({ authorization: `GenieKey ${API_KEY}`, 'content-type': 'application/json' });
    const created = down.requests[0]!.json as OpsgenieAlert;
    expect(created).toMatchObject({
      message: 'watchtower: backup is down',
      alias: 'watchtower:backup',
      priority: 'P1',
      tags: ['watchtower', 'down'],
      source: 'watchtower',
      entity: 'backup',
    });
    expect(created.description).toMatch(/^backup has not pulsed since 2026-01-01T10:55:00Z\.\nIt promised/);
    expect(created.details).toMatchObject({ service: 'backup', status: 'dead', since: '2026-01-01T11:55:00Z', alertId: 'alert-down-1' });

    const recovered = await send(sampleAlert('recovered'));
    expect(recovered.answer.status).toBe(202);
    expect(recovered.requests.map((request) => [request.method, request.path])).toEqual([
      ['POST', `/v2/alerts/${encodeURIComponent(created.alias)}/close?identifierType=alias`],
      ['POST', '/v2/alerts/watchtower%3Abackup%3Alate/close?identifierType=alias'],
    ]);
    expect(recovered.requests[0]!.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(recovered.requests[0]!.json).toEqual({ source: 'watchtower', note: 'watchtower: backup is pulsing again' });
  });

  it.each([
    ['failed', 'watchtower:backup', 'P1'],
    ['reminder', 'watchtower:backup', 'P1'],
    ['late', 'watchtower:backup:late', 'P3'],
    ['event', 'watchtower:event:alert-event-1', 'P2'],
  ] as const)('creates a %s alert under %s at %s', async (kind, alias, priority) => {
    const { requests } = await send(sampleAlert(kind));
    expect(requests[0]!.path).toBe('/v2/alerts');
    expect(requests[0]!.json).toMatchObject({ alias, priority, tags: ['watchtower', kind] });
  });

  it('keeps the API URL’s path, as for a proxy', async () => {
    await send(sampleAlert('down'), undefined, `${provider.url}/opsgenie/`);
    expect(provider.requests[0]!.path).toBe('/opsgenie/v2/alerts');
  });

  it('cuts the message to 130 characters on one line, and sends a template’s title and body', async () => {
    const alert = sampleAlert('down', { service: 'y'.repeat(200) });
    const long = await send(alert);
    const message = (long.requests[0]!.json as OpsgenieAlert).message;
    expect(Array.from(message)).toHaveLength(130);
    expect(message.endsWith('…')).toBe(true);
    const templated = applyTemplate(renderAlert(alert), alert, { down: { title: 'DOWN\n{{late}}', body: 'since {{since}}' } }, 'plain');
    const custom = await send(alert, templated);
    expect(custom.requests[0]!.json).toMatchObject({ message: 'DOWN 5 min', description: 'since 2026-01-01T11:55:00Z' });
  });

  it('sends a hostile service name as plain text, and keys its alias by it', async () => {
    const { requests } = await send(sampleAlert('down', { service: HOSTILE_SERVICE }));
    expect(requests[0]!.json).toMatchObject({
      alias: `watchtower:${HOSTILE_SERVICE}`,
      entity: HOSTILE_SERVICE,
      message: `watchtower: ${HOSTILE_SERVICE} is down`,
    });
  });

  it('calls a refused key (401) or a bad alert (422) permanent, and a rate limit (429) or a 5xx worth a retry', async () => {
    provider.answerNext(
      { status: 401, body: '{"status":401}' },
      { status: 422, body: '{"status":422}' },
      { status: 429, body: '{"status":429}' },
      { status: 503, body: '{"status":503}' },
    );
    const outcomes: boolean[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      outcomes.push(((await send(sampleAlert('down')).catch((e: DeliveryError) => e)) as DeliveryError).permanent);
    }
    expect(outcomes).toEqual([true, true, false, false]);
  });

  it('closes both aliases again when a recovery is retried after its second call failed', async () => {
    provider.answerNext({ status: 202, body: '{"status":202}' }, { status: 500, body: '{"status":500}' });
    const alert = sampleAlert('recovered');
    expect(await send(alert).catch((error: DeliveryError) => error)).toMatchObject({ name: 'DeliveryError', permanent: false });
    await send(alert);
    expect(provider.requests.map((request) => request.path.split('/')[3])).toEqual([
      'watchtower%3Abackup',
      'watchtower%3Abackup%3Alate',
      'watchtower%3Abackup',
      'watchtower%3Abackup%3Alate',
    ]);
  });

  it('refuses a missing key and a private API URL, and defaults to Opsgenie’s', async () => {
    expect(await opsgenieKind.checkSettings({ apiKey: '' }, loopbackContext)).toBe('apiKey is required');
    expect(await opsgenieKind.checkSettings({ apiKey: 'a b' }, loopbackContext)).toBe('apiKey must be an API key, without spaces');
    expect(await opsgenieKind.checkSettings(settings(), publicOnlyContext)).toBe(
      'apiUrl: 127.0.0.1 is a private or reserved address (loopback)',
    );
    expect(await opsgenieKind.checkSettings({ apiKey: API_KEY }, publicOnlyContext)).toBeNull();
    expect(DEFAULT_OPSGENIE_API_URL).toBe('https://api.opsgenie.com');
  });
});
