import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertOf, deliveryContext, failureOf, HOSTILE_MESSAGE, HOSTILE_SERVICE, refusingCheck } from '../../test/support/channel-alerts.js';
import { startRecordingProvider, type RecordingProvider } from '../../test/support/scripted-provider.js';
import { discordKind } from './discord.js';
import { escapeFor } from './markup.js';
import { renderAlert } from './render-alert.js';

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.requests.length = 0;
  provider.answerAlways({ status: 204 });
});

const allowAll = { checkAddress: async () => {} };
const webhookUrl = () => `${provider.url}/api/webhooks/123456789012345678/tok-EN_1`;

async function send(alert = alertOf('down'), message = renderAlert(alert)) {
  const answer = await discordKind.deliver({ alert, message, settings: { url: webhookUrl() } }, deliveryContext());
  return { answer, request: provider.requests.at(-1)! };
}

describe('discordKind.checkSettings', () => {
  it('accepts a webhook URL', async () => {
    expect(await discordKind.checkSettings({ url: 'https://discord.com/api/webhooks/1234/abc-DEF_9' }, allowAll)).toBeNull();
  });

  it.each([
    ['not a url', /^url must be an http\(s\) URL such as https:\/\/discord\.com\/api\/webhooks\/.*received "not a url"$/],
    ['ftp://discord.com/api/webhooks/1/a', /received a ftp URL$/],
    ['https://discord.com/channels/1234/5678', /^url must be a Discord webhook URL, ending in \/webhooks\/ID\/TOKEN/],
    ['https://discord.com/api/webhooks/1234', /^url must be a Discord webhook URL/],
    ['https://me:pw@discord.com/api/webhooks/1/a', /^url must not carry a user name or password$/],
  ])('refuses %s with a clear message', async (url, message) => {
    expect(await discordKind.checkSettings({ url }, allowAll)).toMatch(message);
  });

  it('refuses a URL whose address the server may not call', async () => {
    expect(await discordKind.checkSettings({ url: webhookUrl() }, refusingCheck)).toBe(
      'url: 127.0.0.1 is a private or reserved address (loopback)',
    );
  });
});

describe('discordKind.deliver', () => {
  it('posts one embed, red for a death, with the time and no mentions', async () => {
    const { answer, request } = await send();
    expect(answer.status).toBe(204);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/webhooks/123456789012345678/tok-EN_1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.json).toEqual({
      embeds: [
        {
          title: 'watchtower: backup is down',
          description:
            'backup has not pulsed since 2026\\-03\\-01T11:50:00Z\\.\nIt promised to pulse again within 5 min, by 2026\\-03\\-01T11:55:00Z; it is 5 min late\\.\nIts last message: nightly run',
          color: 0xd93f3f,
          timestamp: '2026-03-01T12:00:00.000Z',
          footer: { text: 'watchtower' },
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it.each([
    ['down', 0xd93f3f, 'watchtower: backup is down'],
    ['failed', 0xd93f3f, 'watchtower: backup failed with exit code 2'],
    ['reminder', 0xd93f3f, 'watchtower: backup is still down'],
    ['late', 0xf0a020, 'watchtower: backup is running late'],
    ['recovered', 0x2ea043, 'watchtower: backup is pulsing again'],
    ['event', 0xd93f3f, 'watchtower: backup: error'],
  ] as const)('colours a %s alert %i and titles it %s', async (kind, color, title) => {
    const { request } = await send(alertOf(kind));
    const embed = (request.json as { embeds: Array<Record<string, unknown>> }).embeds[0]!;
    expect(embed).toEqual({
      title,
      description: escapeFor('discord', renderAlert(alertOf(kind)).text),
      color,
      timestamp: '2026-03-01T12:00:00.000Z',
      footer: { text: 'watchtower' },
    });
  });

  it('colours an info event blue and a warning event amber', async () => {
    const info = await send(alertOf('event', 'backup', { level: 20 }));
    expect((info.request.json as { embeds: Array<{ color: number }> }).embeds[0]!.color).toBe(0x3b82f6);
    const warning = await send(alertOf('event', 'backup', { level: 30 }));
    expect((warning.request.json as { embeds: Array<{ color: number }> }).embeds[0]!.color).toBe(0xf0a020);
  });

  it('shows a hostile service name and message literally: no formatting, links or mentions', async () => {
    const { request } = await send(alertOf('event', HOSTILE_SERVICE, { message: HOSTILE_MESSAGE }));
    const embed = (request.json as { embeds: Array<{ title: string; description: string }> }).embeds[0]!;
    expect(embed.title).toBe('watchtower: db\\*backup\\_\\[prod\\]\\(http://evil\\.example\\)\\<b\\>&@\u200beveryone: error');
    expect(embed.description.split('\n')[0]).toBe(
      '\\<script\\>alert\\("x"\\)\\</script\\> \\*\\*bold\\*\\* \\_it\\_ \\`code\\` @\u200bhere \\#1 \\> quote \\~strike\\~ \\|spoiler\\|',
    );
  });

  it('sends a templated title and body as they are', async () => {
    const alert = alertOf('down');
    await send(alert, { ...renderAlert(alert), templated: { title: '**backup** down', body: 'see <#123>' } });
    const embed = (provider.requests.at(-1)!.json as { embeds: Array<Record<string, unknown>> }).embeds[0]!;
    expect(embed).toMatchObject({ title: '**backup** down', description: 'see <#123>' });
  });

  it('keeps a long message within Discord limits, never cutting an escape in half', async () => {
    const { request } = await send(alertOf('event', '_'.repeat(300), { message: '*'.repeat(5_000) }));
    const embed = (request.json as { embeds: Array<{ title: string; description: string }> }).embeds[0]!;
    expect(Array.from(embed.title).length).toBeLessThanOrEqual(256);
    expect(embed.title.endsWith('\\_…')).toBe(true);
    expect(Array.from(embed.description).length).toBeLessThanOrEqual(4096);
    expect(embed.description.endsWith('\\*…')).toBe(true);
  });

  it('makes a 5xx a DeliveryError worth a retry', async () => {
    provider.answerNext({ status: 502, body: 'bad gateway' });
    const error = await failureOf(send());
    expect(error).toMatchObject({ permanent: false, message: expect.stringMatching(/answered 502$/) });
  });

  it('makes a 404 (a deleted webhook) a permanent DeliveryError', async () => {
    provider.answerNext({ status: 404, body: '{"message": "Unknown Webhook", "code": 10015}' });
    expect((await failureOf(send())).permanent).toBe(true);
  });

  it('keeps a 429 worth a retry', async () => {
    provider.answerNext({ status: 429, body: '{"retry_after": 1.5}' });
    expect((await failureOf(send())).permanent).toBe(false);
  });
});
