import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryError } from '../src/channels/channel.js';
import { matrixKind, textOfHtml } from '../src/channels/matrix.js';
import { renderAlert } from '../src/channels/render-alert.js';
import { applyTemplate } from '../src/channels/templates.js';
import type { AlertRow } from '../src/db/schema.js';
import { HOSTILE_SERVICE, loopbackContext, publicOnlyContext, sampleAlert } from './support/sample-alerts.js';
import { type RecordingProvider, startRecordingProvider } from './support/scripted-provider.js';

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
  provider.answerAlways({ status: 200, body: '{"status":200}' });
});
afterAll(() => provider.close());
beforeEach(() => provider.reset());

const ROOM = '!ops4Room:example.org';
const settings = (homeserver = `${provider.url}/`) => ({ homeserver, room: ROOM, token: 'syt_secret_token' });

interface Content {
  msgtype: string;
  body: string;
  format: string;
  formatted_body: string;
  'm.mentions': unknown;
}

async function send(alert: AlertRow, message = renderAlert(alert), homeserver?: string) {
  const answer = await matrixKind.deliver({ alert, message, settings: settings(homeserver) }, loopbackContext);
  const request = provider.requests.at(-1)!;
  return { answer, request, content: request.json as Content };
}

const sendPath = (alertId: string) => `/_matrix/client/v3/rooms/!ops4Room%3Aexample.org/send/m.room.message/watchtower-${alertId}`;

describe('matrix channel', () => {
  it('PUTs an m.text message with a plain body and its HTML, as the token’s user', async () => {
    const alert = sampleAlert('down');
    const { answer, request, content } = await send(alert);
    expect(answer.status).toBe(200);
    expect(request.method).toBe('PUT');
    expect(request.path).toBe(sendPath(alert.id));
    expect(request.headers.authorization).toBe('Bearer syt_secret_token');
    expect(content.msgtype).toBe('m.text');
    expect(content.format).toBe('org.matrix.custom.html');
    expect(content.body).toMatch(/^watchtower: backup is down\nbackup has not pulsed since 2026-01-01T10:55:00Z\./);
    expect(content.formatted_body).toMatch(
      /^<strong>watchtower: backup is down<\/strong><br>backup has not pulsed since .*<br>It promised/,
    );
    expect(content['m.mentions']).toEqual({});
  });

  it('sends a retry under the same transaction ID, and another alert under its own', async () => {
    provider.answerNext({ status: 502, body: '{"status":502}' });
    const alert = sampleAlert('failed');
    const first = await send(alert).catch((error: DeliveryError) => error);
    expect(first).toMatchObject({ name: 'DeliveryError', permanent: false });
    await send(alert);
    await send(sampleAlert('failed', { id: 'another-alert' }));
    expect(provider.requests.map((request) => request.path)).toEqual([sendPath(alert.id), sendPath(alert.id), sendPath('another-alert')]);
    expect(provider.requests[0]!.body).toBe(provider.requests[1]!.body);
  });

  it('keeps a homeserver’s path prefix, with or without a final slash', async () => {
    const alert = sampleAlert('recovered');
    await send(alert, undefined, `${provider.url}/matrix`);
    expect(provider.requests[0]!.path).toBe(`/matrix${sendPath(alert.id)}`);
  });

  it('escapes a hostile service name in the HTML and breaks no one’s mention', async () => {
    const { content } = await send(sampleAlert('down', { service: HOSTILE_SERVICE }));
    expect(content.formatted_body.startsWith('<strong>watchtower: db_1 *x* &#60;b&#62;&#38;&#60;/b&#62; @everyone')).toBe(true);
    expect(content.formatted_body).not.toContain('<b>');
    expect(content.body.startsWith(`watchtower: ${HOSTILE_SERVICE} is down\n`)).toBe(true);
  });

  it('sends a template’s HTML as filled in, and its text as the plain body', async () => {
    const alert = sampleAlert('down', { service: '<img src=x>' });
    const message = applyTemplate(
      renderAlert(alert),
      alert,
      { down: { title: '<em>{{service}}</em> down', body: 'since {{since}}\nlate {{late}}' } },
      'html',
    );
    const { content } = await send(alert, message);
    expect(content.formatted_body).toBe('<strong><em>&#60;img src=x&#62;</em> down</strong><br>since 2026-01-01T11:55:00Z<br>late 5 min');
    expect(content.body).toBe('<img src=x> down\nsince 2026-01-01T11:55:00Z\nlate 5 min');
  });

  it('calls a refused token permanent and a rate limit worth a retry', async () => {
    provider.answerNext(
      { status: 401, body: '{"status":401}' },
      { status: 403, body: '{"status":403}' },
      { status: 429, body: '{"status":429}' },
      { status: 500, body: '{"status":500}' },
    );
    const alert = sampleAlert('down');
    const outcomes: boolean[] = [];
    for (let attempt = 0; attempt < 4; attempt++)
      outcomes.push(((await send(alert).catch((e: DeliveryError) => e)) as DeliveryError).permanent);
    expect(outcomes).toEqual([true, true, false, false]);
  });

  it('refuses a room alias, a missing token and a private homeserver', async () => {
    expect(await matrixKind.checkSettings({ ...settings(), room: '#ops:example.org' }, loopbackContext)).toMatch(
      /^room must be a room ID such as !abc123:example\.org/,
    );
    expect(await matrixKind.checkSettings({ ...settings(), token: '' }, loopbackContext)).toBe('token is required');
    expect(await matrixKind.checkSettings(settings(), publicOnlyContext)).toBe(
      'homeserver: 127.0.0.1 is a private or reserved address (loopback)',
    );
    expect(await matrixKind.checkSettings(settings(), loopbackContext)).toBeNull();
  });
});

describe('textOfHtml', () => {
  it('keeps the words and line breaks, and decodes entities', () => {
    expect(textOfHtml('<p><b>a &amp; b</b></p><p>c&#60;d&#x3e;<br/>e&nbsp;f</p>')).toBe('a & b\nc<d>\ne f');
  });
});
