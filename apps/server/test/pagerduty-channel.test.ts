import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryError } from '../src/channels/channel.js';
import { DEFAULT_PAGERDUTY_EVENTS_URL, pagerdutyKind } from '../src/channels/pagerduty.js';
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

const ROUTING_KEY = 'R0123456789abcdefABCDEF012345678';
const settings = () => ({ routingKey: ROUTING_KEY, eventsUrl: `${provider.url}/v2/enqueue` });

interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: string;
    timestamp: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
}

async function send(alert: AlertRow, message = renderAlert(alert)) {
  const before = provider.requests.length;
  const answer = await pagerdutyKind.deliver({ alert, message, settings: settings() }, loopbackContext);
  return { answer, events: provider.requests.slice(before).map((request) => request.json as PagerDutyEvent) };
}

describe('pagerduty channel', () => {
  it('triggers the service’s incident on a death and resolves the same one on its recovery', async () => {
    const down = await send(sampleAlert('down'));
    expect(down.answer.status).toBe(202);
    expect(provider.requests[0]).toMatchObject({ method: 'POST', path: '/v2/enqueue' });
    expect(provider.requests[0]!.headers['content-type']).toBe('application/json');
    expect(down.events).toEqual([
      {
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        dedup_key: 'watchtower:backup',
        client: 'watchtower',
        payload: expect.objectContaining({
          summary: 'watchtower: backup is down',
          source: 'backup',
          severity: 'critical',
          timestamp: '2026-01-01T12:00:00Z',
          component: 'backup',
          group: 'watchtower',
          class: 'down',
        }),
      },
    ]);
    expect(down.events[0]!.payload!.custom_details).toMatchObject({
      body: expect.stringMatching(/^backup has not pulsed since 2026-01-01T10:55:00Z\./),
      service: 'backup',
      status: 'dead',
      since: '2026-01-01T11:55:00Z',
      late: '5 min',
      message: 'nightly run',
      alertId: 'alert-down-1',
    });
    const recovered = await send(sampleAlert('recovered'));
    expect(recovered.answer.status).toBe(202);
    expect(recovered.events).toEqual([
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'watchtower:backup' },
      { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'watchtower:backup:late' },
    ]);
  });

  it('triggers a failure and a reminder on the death’s incident, critical', async () => {
    const failed = await send(sampleAlert('failed'));
    const reminder = await send(sampleAlert('reminder'));
    for (const { events } of [failed, reminder]) {
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ event_action: 'trigger', dedup_key: 'watchtower:backup', payload: { severity: 'critical' } });
    }
    expect(failed.events[0]!.payload).toMatchObject({ summary: 'watchtower: backup failed with exit code 3', class: 'failed' });
    expect(reminder.events[0]!.payload!.custom_details).toMatchObject({ reminder: '2', downFor: '2 h' });
  });

  it('opens a warning incident of its own for a late notice', async () => {
    const { events } = await send(sampleAlert('late'));
    expect(events).toEqual([
      expect.objectContaining({
        event_action: 'trigger',
        dedup_key: 'watchtower:backup:late',
        payload: expect.objectContaining({ severity: 'warning', summary: 'watchtower: backup is running late' }),
      }),
    ]);
  });

  it('opens an incident per event alert, at the severity of its level, the same on a retry', async () => {
    const error = sampleAlert('event');
    const warning = sampleAlert('event', { id: 'alert-event-2', details: { eventId: 'e-2', level: 30, message: 'slow', date: 0 } });
    const first = await send(error);
    const retry = await send(error);
    const other = await send(warning);
    expect(first.events[0]).toMatchObject({
      dedup_key: 'watchtower:event:alert-event-1',
      payload: { severity: 'error', summary: 'watchtower: backup: error' },
    });
    expect(retry.events[0]!.dedup_key).toBe('watchtower:event:alert-event-1');
    expect(other.events[0]).toMatchObject({ dedup_key: 'watchtower:event:alert-event-2', payload: { severity: 'warning' } });
  });

  it('sends a template’s title as the summary and its body in the details', async () => {
    const alert = sampleAlert('down');
    const message = applyTemplate(
      renderAlert(alert),
      alert,
      { down: { title: '{{service}} DOWN since {{since}}', body: 'call Ann' } },
      'plain',
    );
    const { events } = await send(alert, message);
    expect(events[0]!.payload).toMatchObject({ summary: 'backup DOWN since 2026-01-01T11:55:00Z', custom_details: { body: 'call Ann' } });
  });

  it('keeps the built-in summary when a template’s title comes out empty', async () => {
    const late = sampleAlert('late', { details: { last: 0, expected: 0, message: '' } });
    const empty = applyTemplate(renderAlert(late), late, { late: { title: '{{message}}' } }, 'plain');
    expect(empty.templated!.title).toBe('');
    const { events } = await send(late, empty);
    expect(events[0]!.payload!.summary).toBe('watchtower: backup is running late');
  });

  it('keeps a hostile or long name as it is, on one line of at most 1,024 characters', async () => {
    const hostile = await send(sampleAlert('down', { service: HOSTILE_SERVICE }));
    expect(hostile.events[0]!.payload).toMatchObject({ summary: `watchtower: ${HOSTILE_SERVICE} is down`, source: HOSTILE_SERVICE });
    expect(hostile.events[0]!.dedup_key).toBe(`watchtower:${HOSTILE_SERVICE}`);
    const alert = sampleAlert('down');
    const message = applyTemplate(renderAlert(alert), alert, { down: { title: `${'x'.repeat(300)}\n`.repeat(4) } }, 'plain');
    const long = await send(alert, message);
    const summary = long.events[0]!.payload!.summary;
    expect(Array.from(summary)).toHaveLength(1024);
    expect(summary).not.toContain('\n');
    expect(summary.endsWith('…')).toBe(true);
  });

  it('resolves both incidents again when a recovery is retried after its second call failed', async () => {
    provider.answerNext({ status: 202, body: '{"status":202}' }, { status: 503, body: '{"status":503}' });
    const alert = sampleAlert('recovered');
    const failure = await send(alert).catch((error: DeliveryError) => error);
    expect(failure).toMatchObject({ name: 'DeliveryError', permanent: false });
    await send(alert);
    expect(provider.requests.map((request) => (request.json as PagerDutyEvent).dedup_key)).toEqual([
      'watchtower:backup',
      'watchtower:backup:late',
      'watchtower:backup',
      'watchtower:backup:late',
    ]);
  });

  it('calls an invalid event (400) permanent and a rate limit (429) or a 5xx worth a retry', async () => {
    provider.answerNext(
      { status: 400, body: '{"status":400}' },
      { status: 429, body: '{"status":429}' },
      { status: 500, body: '{"status":500}' },
    );
    const alert = sampleAlert('down');
    const outcomes: boolean[] = [];
    for (let attempt = 0; attempt < 3; attempt++)
      outcomes.push(((await send(alert).catch((e: DeliveryError) => e)) as DeliveryError).permanent);
    expect(outcomes).toEqual([true, false, false]);
  });

  it('refuses a routing key that is not one, and a private events URL', async () => {
    expect(await pagerdutyKind.checkSettings({ routingKey: 'abc' }, loopbackContext)).toMatch(
      /^routingKey must be an integration key: 32 letters and digits/,
    );
    expect(await pagerdutyKind.checkSettings({} as never, loopbackContext)).toBe('routingKey is required');
    expect(await pagerdutyKind.checkSettings(settings(), publicOnlyContext)).toBe(
      'eventsUrl: 127.0.0.1 is a private or reserved address (loopback)',
    );
    expect(await pagerdutyKind.checkSettings({ routingKey: ROUTING_KEY }, publicOnlyContext)).toBeNull();
    expect(DEFAULT_PAGERDUTY_EVENTS_URL).toBe('https://events.pagerduty.com/v2/enqueue');
  });
});
