import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertOf, deliveryContext, failureOf, HOSTILE_MESSAGE, HOSTILE_SERVICE, refusingCheck } from '../../test/support/channel-alerts.js';
import { startRecordingProvider, type RecordingProvider } from '../../test/support/scripted-provider.js';
import { ntfyKind, type NtfySettings } from './ntfy.js';
import { renderAlert } from './render-alert.js';

const TOKEN = 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2';

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.requests.length = 0;
  provider.answerAlways({ status: 200, body: '{"id":"sPs4sJwCn3Nq","time":1,"event":"message","topic":"ops-alerts"}' });
});

const allowAll = { checkAddress: async () => {} };

async function send(alert = alertOf('down'), more: Partial<NtfySettings> = {}, message = renderAlert(alert)) {
  const settings = { url: `${provider.url}/ops-alerts`, ...more };
  const answer = await ntfyKind.deliver({ alert, message, settings }, deliveryContext());
  const request = provider.requests.at(-1)!;
  return { answer, request, body: request.json as Record<string, unknown> };
}

describe('ntfyKind.checkSettings', () => {
  it('accepts a topic URL, with or without a token and a priority', async () => {
    expect(await ntfyKind.checkSettings({ url: 'https://ntfy.sh/ops-alerts' }, allowAll)).toBeNull();
    expect(await ntfyKind.checkSettings({ url: 'https://ntfy.example.com/ops_1/', token: TOKEN, priority: 5 }, allowAll)).toBeNull();
    expect(await ntfyKind.checkSettings({ url: 'https://ntfy.sh/ops', priority: 'high' }, allowAll)).toBeNull();
  });

  it.each([
    [{ url: 'ntfy.sh/ops' }, /^url must be an http\(s\) URL such as https:\/\/ntfy\.sh\/my-alerts; received "ntfy\.sh\/ops"$/],
    [{ url: 'https://ntfy.sh/' }, /^url must be a topic URL, ending in the topic's name/],
    [{ url: 'https://ntfy.sh/ops alerts' }, /^url must be a topic URL/],
    [{ url: 'https://ntfy.sh/ops', token: 'hunter2' }, /^token must be an ntfy access token, which starts with tk_/],
    [{ url: 'https://ntfy.sh/ops', token: 'tk_abc def ghi jkl' }, /^token must not contain spaces or control characters$/],
    [{ url: 'https://ntfy.sh/ops', priority: 6 }, /^priority must be 1 to 5, or one of min, low, default, high, max$/],
    [{ url: 'https://ntfy.sh/ops', priority: 'loud' }, /^priority must be 1 to 5/],
  ])('refuses %j with a clear message', async (settings, message) => {
    expect(await ntfyKind.checkSettings(settings as NtfySettings, allowAll)).toMatch(message);
  });

  it('refuses a server the server may not call', async () => {
    expect(await ntfyKind.checkSettings({ url: `${provider.url}/ops` }, refusingCheck)).toBe(
      'url: 127.0.0.1 is a private or reserved address (loopback)',
    );
  });
});

describe('ntfyKind.deliver', () => {
  it("publishes JSON to the topic's server, high priority and a siren for a death", async () => {
    const { answer, request, body } = await send();
    expect(answer.status).toBe(200);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBeUndefined();
    expect(body).toEqual({
      topic: 'ops-alerts',
      title: 'watchtower: backup is down',
      message: [
        'backup has not pulsed since 2026-03-01T11:50:00Z.',
        'It promised to pulse again within 5 min, by 2026-03-01T11:55:00Z; it is 5 min late.',
        'Its last message: nightly run',
      ].join('\n'),
      priority: 4,
      tags: ['rotating_light'],
    });
  });

  it.each([
    ['down', 4, 'rotating_light', 'watchtower: backup is down'],
    ['failed', 4, 'rotating_light', 'watchtower: backup failed with exit code 2'],
    ['reminder', 4, 'rotating_light', 'watchtower: backup is still down'],
    ['late', 3, 'warning', 'watchtower: backup is running late'],
    ['recovered', 3, 'white_check_mark', 'watchtower: backup is pulsing again'],
    ['event', 4, 'rotating_light', 'watchtower: backup: error'],
  ] as const)('sends a %s alert at priority %i with the tag %s', async (kind, priority, tag, title) => {
    const { body } = await send(alertOf(kind));
    expect(body).toMatchObject({ topic: 'ops-alerts', title, priority, tags: [tag] });
    expect(body.message).toBe(renderAlert(alertOf(kind)).text);
  });

  it('sends an info event at the default priority with an info tag', async () => {
    const { body } = await send(alertOf('event', 'backup', { level: 20 }));
    expect(body).toMatchObject({ priority: 3, tags: ['information_source'] });
  });

  it("uses the channel's priority for every alert when it has one", async () => {
    expect((await send(alertOf('down'), { priority: 2 })).body.priority).toBe(2);
    expect((await send(alertOf('recovered'), { priority: 'max' })).body.priority).toBe(5);
  });

  it('sends the access token as a Bearer token, to the root of a server below a path', async () => {
    const { request } = await send(alertOf('down'), { token: TOKEN, url: `${provider.url}/ntfy/ops-alerts/` });
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.path).toBe('/ntfy/');
    expect((request.json as { topic: string }).topic).toBe('ops-alerts');
  });

  it('sends a hostile service name and message as the plain text they are', async () => {
    const { body } = await send(alertOf('event', HOSTILE_SERVICE, { message: HOSTILE_MESSAGE }));
    expect(body.title).toBe(`watchtower: ${HOSTILE_SERVICE}: error`);
    expect(String(body.message).split('\n')[0]).toBe(HOSTILE_MESSAGE);
    expect(body).not.toHaveProperty('markdown');
  });

  it('sends a templated title and body as they are', async () => {
    const alert = alertOf('late');
    const { body } = await send(alert, {}, { ...renderAlert(alert), templated: { title: 'late: backup', body: 'due soon' } });
    expect(body).toMatchObject({ title: 'late: backup', message: 'due soon' });
  });

  it('keeps a long message within 4,096 bytes', async () => {
    const { body } = await send(alertOf('event', 'backup', { message: 'é'.repeat(5_000) }));
    expect(new TextEncoder().encode(String(body.message)).length).toBeLessThanOrEqual(4096);
    expect(String(body.message).endsWith('é…')).toBe(true);
  });

  it('makes a 5xx a DeliveryError worth a retry, and a 429 too', async () => {
    provider.answerNext({ status: 503, body: '{"code":50301,"http":503,"error":"unavailable"}' });
    expect((await failureOf(send())).permanent).toBe(false);
    provider.answerNext({ status: 429, body: '{"code":42901,"http":429,"error":"limit reached: too many requests"}' });
    expect((await failureOf(send())).permanent).toBe(false);
  });

  it('makes a refused token (403) a permanent DeliveryError', async () => {
    provider.answerNext({ status: 403, body: '{"code":40301,"http":403,"error":"forbidden"}' });
    const error = await failureOf(send(alertOf('down'), { token: TOKEN }));
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/answered 403$/);
  });
});
