import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertOf, deliveryContext, failureOf, HOSTILE_MESSAGE, HOSTILE_SERVICE, refusingCheck } from '../../test/support/channel-alerts.js';
import { startRecordingProvider, type RecordingProvider } from '../../test/support/scripted-provider.js';
import { gotifyKind } from './gotify.js';
import { renderAlert } from './render-alert.js';

const TOKEN = 'AhrQ0uUP3j0Eiuk';

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.requests.length = 0;
  provider.answerAlways({ status: 200, body: '{"id":25,"appid":5,"message":"x","title":"y","priority":8,"date":"2026-03-01T12:00:00Z"}' });
});

const allowAll = { checkAddress: async () => {} };

async function send(alert = alertOf('down'), url = `${provider.url}/gotify/`, message = renderAlert(alert), options = {}) {
  const answer = await gotifyKind.deliver({ alert, message, settings: { url, token: TOKEN } }, deliveryContext(options));
  const request = provider.requests.at(-1)!;
  return { answer, request, body: request.json as Record<string, unknown> };
}

describe('gotifyKind.checkSettings', () => {
  it("accepts a server URL and an application's token", async () => {
    expect(await gotifyKind.checkSettings({ url: 'https://gotify.example.com', token: TOKEN }, allowAll)).toBeNull();
    expect(await gotifyKind.checkSettings({ url: 'https://example.com/gotify/', token: TOKEN }, allowAll)).toBeNull();
  });

  it.each([
    [{ url: 'gotify.example.com', token: TOKEN }, /^url must be an http\(s\) URL such as https:\/\/gotify\.example\.com; received/],
    [{ url: 'https://gotify.example.com/?token=x', token: TOKEN }, /^url must be the server's address, without a query/],
    [{ url: 'https://gotify.example.com', token: '' }, /^token is required$/],
    [{ url: 'https://gotify.example.com', token: 'Ahr Q0uUP3j0Eiuk' }, /^token must not contain spaces or control characters$/],
    [
      { url: 'https://gotify.example.com', token: 'CcJbbT7E0L6vVhn' },
      /^token looks like a client's token \(it starts with C\): messages need an application's token/,
    ],
  ])('refuses %j with a clear message', async (settings, message) => {
    expect(await gotifyKind.checkSettings(settings, allowAll)).toMatch(message);
  });

  it('refuses a server the server may not call', async () => {
    expect(await gotifyKind.checkSettings({ url: provider.url, token: TOKEN }, refusingCheck)).toBe(
      'url: 127.0.0.1 is a private or reserved address (loopback)',
    );
  });
});

describe('gotifyKind.deliver', () => {
  it('posts the message below the server URL with the application token, priority 8 for a death', async () => {
    const { answer, request, body } = await send();
    expect(answer.status).toBe(200);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/gotify/message');
    expect(request.headers['x-gotify-key']).toBe(TOKEN);
    expect(request.headers['content-type']).toBe('application/json');
    expect(body).toEqual({
      title: 'watchtower: backup is down',
      message: [
        'backup has not pulsed since 2026-03-01T11:50:00Z.',
        'It promised to pulse again within 5 min, by 2026-03-01T11:55:00Z; it is 5 min late.',
        'Its last message: nightly run',
      ].join('\n'),
      priority: 8,
      extras: { 'client::display': { contentType: 'text/plain' } },
    });
  });

  it('finds /message under a server URL without a trailing slash', async () => {
    const { request } = await send(alertOf('down'), provider.url);
    expect(request.path).toBe('/message');
  });

  it.each([
    ['down', 8, 'watchtower: backup is down'],
    ['failed', 8, 'watchtower: backup failed with exit code 2'],
    ['reminder', 8, 'watchtower: backup is still down'],
    ['late', 5, 'watchtower: backup is running late'],
    ['recovered', 4, 'watchtower: backup is pulsing again'],
    ['event', 8, 'watchtower: backup: error'],
  ] as const)('sends a %s alert at priority %i', async (kind, priority, title) => {
    const { body } = await send(alertOf(kind));
    expect(body).toMatchObject({ title, priority, message: renderAlert(alertOf(kind)).text });
  });

  it('sends an info event at priority 4', async () => {
    expect((await send(alertOf('event', 'backup', { level: 10 }))).body.priority).toBe(4);
  });

  it('sends a hostile service name and message as plain text, shown as such', async () => {
    const { body } = await send(alertOf('event', HOSTILE_SERVICE, { message: HOSTILE_MESSAGE }));
    expect(body.title).toBe(`watchtower: ${HOSTILE_SERVICE}: error`);
    expect(String(body.message).split('\n')[0]).toBe(HOSTILE_MESSAGE);
    expect(body.extras).toEqual({ 'client::display': { contentType: 'text/plain' } });
  });

  it('sends a templated title and body as they are', async () => {
    const alert = alertOf('recovered');
    const { body } = await send(alert, provider.url, { ...renderAlert(alert), templated: { title: 'up: backup', body: 'back' } });
    expect(body).toMatchObject({ title: 'up: backup', message: 'back' });
  });

  it('makes a 5xx a DeliveryError worth a retry', async () => {
    provider.answerNext({ status: 500, body: '{"error":"Internal Server Error","errorCode":500}' });
    expect((await failureOf(send())).permanent).toBe(false);
  });

  it("makes a refused token (401) a permanent DeliveryError, with Gotify's words from a public address", async () => {
    provider.answerNext({
      status: 401,
      body: '{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}',
    });
    const error = await failureOf(send(alertOf('down'), provider.url, undefined, { public: true }));
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/answered 401: .*provide a valid access token/);
  });
});
