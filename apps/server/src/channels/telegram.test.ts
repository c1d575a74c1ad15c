import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertOf, deliveryContext, failureOf, HOSTILE_MESSAGE, HOSTILE_SERVICE, refusingCheck } from '../../test/support/channel-alerts.js';
import { startRecordingProvider, type RecordingProvider } from '../../test/support/scripted-provider.js';
import { escapeFor } from './markup.js';
import { renderAlert } from './render-alert.js';
import { telegramKind, type TelegramSettings } from './telegram.js';

const TOKEN = '123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs';
const SENT = { ok: true, result: { message_id: 1, chat: { id: -100123 }, date: 1, text: 'x' } };

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.requests.length = 0;
  provider.answerAlways({ status: 200, body: JSON.stringify(SENT) });
});

const allowAll = { checkAddress: async () => {} };
const settings = (more: Partial<TelegramSettings> = {}): TelegramSettings => ({
  token: TOKEN,
  chatId: -1001234567890,
  apiUrl: `${provider.url}/tg/`,
  ...more,
});

async function send(alert = alertOf('down'), message = renderAlert(alert), options: { public?: boolean } = {}) {
  const answer = await telegramKind.deliver({ alert, message, settings: settings() }, deliveryContext(options));
  return { answer, request: provider.requests.at(-1)!, body: provider.requests.at(-1)!.json as Record<string, unknown> };
}

describe('telegramKind.checkSettings', () => {
  it('accepts a bot token with a chat number or a channel name, with or without an apiUrl', async () => {
    expect(await telegramKind.checkSettings({ token: TOKEN, chatId: -1001234567890 }, allowAll)).toBeNull();
    expect(await telegramKind.checkSettings({ token: TOKEN, chatId: '@ops_alerts' }, allowAll)).toBeNull();
    expect(await telegramKind.checkSettings({ token: TOKEN, chatId: '42', apiUrl: 'https://tg.example.com' }, allowAll)).toBeNull();
  });

  it.each(['', 'AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs', '123456789:short', '123456789:AAEhBOweik6ad9r QXMENQjcrGbqCr4K-bs', 'bot123:x'])(
    'refuses the token %j, saying what a bot token looks like',
    async (token) => {
      expect(await telegramKind.checkSettings({ token, chatId: 42 }, allowAll)).toMatch(/^token must be a bot token from @BotFather/);
    },
  );

  it.each([['ops'], ['@a'], [1.5], ['-12a'], [null]])('refuses the chatId %j', async (chatId) => {
    expect(await telegramKind.checkSettings({ token: TOKEN, chatId: chatId as string }, allowAll)).toMatch(
      /^chatId must be a chat number \(such as -1001234567890\) or a public channel name/,
    );
  });

  it('refuses an apiUrl that is not a URL, or whose address the server may not call', async () => {
    expect(await telegramKind.checkSettings({ token: TOKEN, chatId: 1, apiUrl: 'api.telegram.org' }, allowAll)).toMatch(
      /^apiUrl must be an http\(s\) URL such as https:\/\/api\.telegram\.org; received "api\.telegram\.org"$/,
    );
    expect(await telegramKind.checkSettings(settings(), refusingCheck)).toBe(
      'apiUrl: 127.0.0.1 is a private or reserved address (loopback)',
    );
  });
});

describe('telegramKind.deliver', () => {
  it('posts sendMessage to the bot path with the text in MarkdownV2 and no link preview', async () => {
    const { answer, request, body } = await send();
    expect(answer.status).toBe(200);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/tg/bot${TOKEN}/sendMessage`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(body).toEqual({
      chat_id: -1001234567890,
      text: [
        '*watchtower: backup is down*',
        'backup has not pulsed since 2026\\-03\\-01T11:50:00Z\\.',
        'It promised to pulse again within 5 min, by 2026\\-03\\-01T11:55:00Z; it is 5 min late\\.',
        'Its last message: nightly run',
      ].join('\n'),
      parse_mode: 'MarkdownV2',
      disable_web_page_preview: true,
    });
  });

  it.each([
    ['down', '*watchtower: backup is down*'],
    ['failed', '*watchtower: backup failed with exit code 2*'],
    ['reminder', '*watchtower: backup is still down*'],
    ['late', '*watchtower: backup is running late*'],
    ['recovered', '*watchtower: backup is pulsing again*'],
    ['event', '*watchtower: backup: error*'],
  ] as const)('starts a %s alert with its bold title %s', async (kind, title) => {
    const { body } = await send(alertOf(kind));
    expect(body).toEqual({
      chat_id: -1001234567890,
      text: `${title}\n${escapeFor('telegram', renderAlert(alertOf(kind)).text)}`,
      parse_mode: 'MarkdownV2',
      disable_web_page_preview: true,
    });
    const [, ...rest] = String(body.text).split('\n');
    expect(rest.length).toBeGreaterThan(0);
    // Every MarkdownV2 special character in the lines is escaped.
    expect(rest.join('\n').replace(/\\./g, '')).not.toMatch(/[_*[\]()~`>#+\-=|{}.!\\]/);
  });

  it("uses Telegram's own API address when no apiUrl is set", async () => {
    // Nothing is sent there: the guarded connection refuses it before any request (private targets are not allowed here).
    const context = {
      ...deliveryContext(),
      connections: { ...deliveryContext().connections, resolveHost: async () => ['10.0.0.1'], allowPrivateTargets: false },
    };
    const error = await failureOf(
      telegramKind.deliver(
        { alert: alertOf('down'), message: renderAlert(alertOf('down')), settings: { token: TOKEN, chatId: 1 } },
        context,
      ),
    );
    expect(error.message).toBe('no connection made: api.telegram.org resolves to a private or reserved address: 10.0.0.1 (private)');
  });

  it('shows a hostile service name and message literally', async () => {
    const { body } = await send(alertOf('event', HOSTILE_SERVICE, { message: HOSTILE_MESSAGE }));
    const [title, line] = String(body.text).split('\n');
    expect(title).toBe('*watchtower: db\\*backup\\_\\[prod\\]\\(http://evil\\.example\\)<b\\>&@everyone: error*');
    expect(line).toBe(
      '<script\\>alert\\("x"\\)</script\\> \\*\\*bold\\*\\* \\_it\\_ \\`code\\` @here \\#1 \\> quote \\~strike\\~ \\|spoiler\\|',
    );
  });

  it('sends a templated title in bold and the body as it is', async () => {
    const alert = alertOf('recovered');
    const { body } = await send(alert, { ...renderAlert(alert), templated: { title: 'backup \\(prod\\)', body: '_back_ up' } });
    expect(body.text).toBe('*backup \\(prod\\)*\n_back_ up');
  });

  it('makes a 5xx a DeliveryError worth a retry', async () => {
    provider.answerNext({ status: 500, body: '{"ok":false,"error_code":500,"description":"Internal Server Error"}' });
    const error = await failureOf(send());
    expect(error.permanent).toBe(false);
  });

  it('makes a wrong chat (400) a permanent DeliveryError that never shows the token', async () => {
    provider.answerNext({ status: 400, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' });
    const error = await failureOf(send(alertOf('down'), undefined, { public: true }));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('Bad Request: chat not found');
    expect(error.message).not.toContain(TOKEN.split(':')[1]);
  });

  it('keeps a flood answer (429 with retry_after) worth a retry, saying how long Telegram asks to wait', async () => {
    provider.answerNext({
      status: 429,
      body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}',
    });
    const error = await failureOf(send(alertOf('down'), undefined, { public: true }));
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('"retry_after":7');
  });
});
