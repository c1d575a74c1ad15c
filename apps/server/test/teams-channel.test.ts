import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryError } from '../src/channels/channel.js';
import { renderAlert } from '../src/channels/render-alert.js';
import { teamsKind } from '../src/channels/teams.js';
import { applyTemplate } from '../src/channels/templates.js';
import type { AlertRow } from '../src/db/schema.js';
import { HOSTILE_SERVICE, loopbackContext, publicLoopbackContext, publicOnlyContext, sampleAlert } from './support/sample-alerts.js';
import { type RecordingProvider, startRecordingProvider } from './support/scripted-provider.js';

let provider: RecordingProvider;
beforeAll(async () => {
  provider = await startRecordingProvider();
  provider.answerAlways({ status: 202, body: '{"status":202}' });
});
afterAll(() => provider.close());
beforeEach(() => provider.reset());

const settings = () => ({ url: `${provider.url}/workflows/abc/triggers/manual/run?sig=s3cret` });

interface Card {
  type: string;
  attachments: Array<{
    contentType: string;
    content: {
      type: string;
      version: string;
      body: Array<{ type: string; text?: string; color?: string; facts?: Array<{ title: string; value: string }> }>;
    };
  }>;
}

async function send(alert: AlertRow, message = renderAlert(alert), context = loopbackContext) {
  const answer = await teamsKind.deliver({ alert, message, settings: settings() }, context);
  const request = provider.requests.at(-1)!;
  const card = request.json as Card;
  return { answer, request, card, blocks: card.attachments[0]!.content.body };
}

describe('teams channel', () => {
  it('posts an Adaptive Card with a red title, the lines and the facts of a death', async () => {
    const { answer, request, card, blocks } = await send(sampleAlert('down'));
    expect(answer.status).toBe(202);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/workflows/abc/triggers/manual/run?sig=s3cret');
    expect(request.headers['content-type']).toBe('application/json');
    expect(card.type).toBe('message');
    expect(card.attachments[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { type: 'AdaptiveCard', version: '1.4' },
    });
    expect(blocks[0]).toMatchObject({ type: 'TextBlock', text: 'watchtower: backup is down', color: 'attention', weight: 'Bolder' });
    expect(blocks[1]!.text).toMatch(/^backup has not pulsed since 2026\\-01\\-01T10:55:00Z\\\.\n\nIt promised/);
    expect(blocks[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Service', value: 'backup' },
        { title: 'Status', value: 'dead' },
        { title: 'Time', value: '2026-01-01T12:00:00Z' },
      ],
    });
  });

  it.each([
    ['recovered', 'good'],
    ['late', 'warning'],
    ['failed', 'attention'],
    ['reminder', 'attention'],
    ['event', 'attention'],
  ] as const)('colours a %s title %s', async (kind, colour) => {
    const { blocks } = await send(sampleAlert(kind));
    expect(blocks[0]!.color).toBe(colour);
  });

  it('escapes a hostile service name in the title, the text and the facts', async () => {
    const { blocks } = await send(sampleAlert('down', { service: HOSTILE_SERVICE }));
    const escaped = 'db\\_1 \\*x\\* \\<b\\>&\\</b\\> @everyone \\[a\\]\\(http://e\\.example\\) \\`c\\` \\#1\\.';
    expect(blocks[0]!.text).toBe(`watchtower: ${escaped} is down`);
    expect(blocks[1]!.text!.startsWith(`${escaped} has not pulsed`)).toBe(true);
    expect(blocks[2]!.facts![0]).toEqual({ title: 'Service', value: escaped });
  });

  it("sends a template's title and body as they were filled in", async () => {
    const alert = sampleAlert('down', { service: 'a*b' });
    const message = applyTemplate(
      renderAlert(alert),
      alert,
      { down: { title: '**{{service}}** down', body: 'since {{since}}\n_late_ {{late}}' } },
      'markdown',
    );
    const { blocks } = await send(alert, message);
    expect(blocks[0]!.text).toBe('**a\\*b** down');
    expect(blocks[1]!.text).toBe('since 2026\\-01\\-01T11:55:00Z\n\n_late_ 5 min');
  });

  it('calls a 5xx worth a retry and a 4xx permanent', async () => {
    provider.answerNext(
      { status: 503, body: '{"status":503}' },
      { status: 404, body: '{"status":404}' },
      { status: 429, body: '{"status":429}' },
    );
    const alert = sampleAlert('down');
    const failures: DeliveryError[] = [];
    for (let attempt = 0; attempt < 3; attempt++)
      failures.push((await send(alert).catch((error: DeliveryError) => error)) as DeliveryError);
    expect(failures.map((error) => [error.name, error.permanent])).toEqual([
      ['DeliveryError', false],
      ['DeliveryError', true],
      ['DeliveryError', false],
    ]);
    expect(failures[1]!.message).toMatch(/^127\.0\.0\.1:\d+ answered 404/);
  });

  it('takes an older connector’s refusal, told with a 200, as a failure worth a retry', async () => {
    provider.answerNext({ status: 200, body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0' });
    const error = (await send(sampleAlert('down'), undefined, publicLoopbackContext).catch((e: DeliveryError) => e)) as DeliveryError;
    expect(error).toMatchObject({ name: 'DeliveryError', permanent: false });
    expect(error.message).toBe('Teams did not post the card: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0');
  });

  it('refuses settings without an http(s) URL, or one the server may not reach', async () => {
    expect(await teamsKind.checkSettings({ url: 'ftp://x.example/hook' }, loopbackContext)).toBe(
      'url must be an http(s) URL; received a ftp URL',
    );
    expect(await teamsKind.checkSettings({} as never, loopbackContext)).toBe('url is required: an http(s) URL');
    expect(await teamsKind.checkSettings(settings(), publicOnlyContext)).toBe('url: 127.0.0.1 is a private or reserved address (loopback)');
    expect(await teamsKind.checkSettings(settings(), loopbackContext)).toBeNull();
  });
});
