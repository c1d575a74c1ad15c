import { describe, expect, it } from 'vitest';
import { CHANNEL_SECRET_FIELDS, CHANNEL_SETTINGS, CHANNEL_TYPES, ChannelBody, ConfigChannel, describeIssues, ROUTES } from './index.js';

function hint(result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }): string {
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('ChannelBody', () => {
  it('reads the type, its settings beside it, and templates', () => {
    expect(
      ChannelBody.parse({
        type: 'pagerduty',
        routingKey: 'R0UT1NGKEY',
        templates: { down: { title: '{{service}} is down' } },
      }),
    ).toEqual({
      type: 'pagerduty',
      settings: { routingKey: 'R0UT1NGKEY' },
      templates: { down: { title: '{{service}} is down' } },
      rotateSecret: false,
    });
  });

  it('leaves no key for a kind or a part not given', () => {
    const { templates } = ChannelBody.parse({ type: 'log', templates: { down: { body: 'x' } } });
    expect(Object.keys(templates)).toEqual(['down']);
    expect(Object.keys(templates.down!)).toEqual(['body']);
  });

  it('takes every type of the table with its settings', () => {
    const examples: Record<string, Record<string, unknown>> = {
      smtp: {
        host: 'smtp.example.com',
        port: '587',
        user: 'me',
        password: 'pw',
        from: 'Watchtower <wt@example.com>',
        to: 'ops@example.com, dev@example.com',
      },
      ntfy: { url: 'https://ntfy.sh/alerts', priority: 'high' },
      gotify: { url: 'https://gotify.example.com', token: 'Abc.123' },
      discord: { url: 'https://discord.com/api/webhooks/1/x' },
      telegram: { token: '123:abc', chatId: -100123 },
      teams: { url: 'https://example.webhook.office.com/x' },
      matrix: { homeserver: 'https://matrix.example.org', room: '!abc:example.org', token: 'syt_x' },
      pagerduty: { routingKey: 'k', eventsUrl: 'https://events.pagerduty.com' },
      opsgenie: { apiKey: 'key', apiUrl: 'https://api.eu.opsgenie.com' },
      webhook: { url: 'https://hooks.example.com/in' },
      slack: { url: 'https://hooks.slack.com/services/T/B/X' },
      pushover: { user: 'u'.repeat(30) },
      email: { to: 'ops@example.com' },
      log: { label: 'ops' },
    };
    expect(Object.keys(examples).sort()).toEqual([...CHANNEL_TYPES].sort());
    for (const [type, settings] of Object.entries(examples)) {
      const parsed = ChannelBody.safeParse({ type, ...settings });
      expect(parsed.success, `${type}: ${parsed.success ? '' : describeIssues(parsed.error)}`).toBe(true);
    }
    expect(ChannelBody.parse({ type: 'smtp', ...examples.smtp }).settings).toMatchObject({
      port: 587,
      to: ['ops@example.com', 'dev@example.com'],
    });
    expect(ChannelBody.parse({ type: 'ntfy', ...examples.ntfy }).settings).toMatchObject({ priority: 4 });
    expect(ChannelBody.parse({ type: 'telegram', ...examples.telegram }).settings).toMatchObject({ chatId: '-100123' });
  });

  it.each([
    [
      { routingKey: 'k' },
      'type is required: one of smtp, ntfy, gotify, discord, telegram, teams, matrix, pagerduty, opsgenie, webhook, slack, pushover, email, log',
    ],
    [
      { type: 'sms', to: '+33' },
      'type must be one of smtp, ntfy, gotify, discord, telegram, teams, matrix, pagerduty, opsgenie, webhook, slack, pushover, email, log; received the string "sms"',
    ],
    [{ type: 'pagerduty' }, 'routingKey is required: 1 to 100 printable characters without spaces'],
    [
      { type: 'slack', url: 'ftp://example.com/x' },
      'url must be the Slack incoming webhook URL (at most 2048 characters); received a ftp URL',
    ],
    [
      { type: 'slack', url: 'not a url' },
      'url must be the Slack incoming webhook URL (at most 2048 characters); received the string "not a url"',
    ],
    [{ type: 'slack', url: 'https://x.example', channel: '#ops' }, 'unknown field channel for a slack channel, whose settings are: url'],
    [{ type: 'smtp', host: 'smtp.example.com', port: 70000, from: 'a@b.co', to: 'c@d.co' }, 'port must be a whole number from 1 to 65535'],
    [
      { type: 'smtp', host: 'smtp.example.com', from: 'a@b.co', to: ['c@d.co', 'nobody'] },
      'to must be an e-mail address such as ops@example.com, several separated by commas, or a list of at most 50; the string "nobody" is not an address',
    ],
    [
      { type: 'matrix', homeserver: 'https://m.example.org', room: '#ops:example.org', token: 't' },
      'room must be a room ID such as !abc123:example.org (Room settings, Advanced); received the string "#ops:example.org"',
    ],
    [{ type: 'email', to: 'nobody' }, 'to must be an e-mail address such as ops@example.com; received the string "nobody"'],
    [
      { type: 'log', templates: { dead: { title: 'x' } } },
      'templates has no kind dead: its kinds are down, recovered, failed, late, reminder, event',
    ],
    [{ type: 'log', templates: { down: { title: 'x'.repeat(501) } } }, 'templates.down.title must be at most 500 characters; received 501'],
    [{ type: 'log', rotateSecret: true }, 'rotateSecret is for webhook channels only, whose signing secret the server makes'],
    [
      { type: 'webhook', url: 'https://x.example', secret: SECRET },
      'secret is made by the server, not sent: it is in the answer of the PUT that creates the channel; send rotateSecret: true for a new one',
    ],
    ['pagerduty', 'a channel must be a JSON object with type and its settings; received the string "pagerduty"'],
  ])('refuses %j', (body, message) => {
    expect(hint(ChannelBody.safeParse(body))).toBe(message);
  });

  it('never quotes a secret back in its error', () => {
    const message = hint(ChannelBody.safeParse({ type: 'gotify', url: 'https://g.example', token: 'has space-secret-value' }));
    expect(message).toBe('token must be 1 to 1000 printable characters without spaces; received a string of 22 characters');
    expect(message).not.toContain('secret-value');
  });
});

describe('ConfigChannel', () => {
  it('takes a webhook channel with its secret, and refuses a secret not in the Standard Webhooks form', () => {
    expect(ConfigChannel.parse({ type: 'webhook', url: 'https://x.example', secret: SECRET }).settings).toEqual({
      url: 'https://x.example',
      secret: SECRET,
    });
    expect(hint(ConfigChannel.safeParse({ type: 'webhook', url: 'https://x.example', secret: 'whsec_c2hvcnQ=' }))).toContain(
      'secret must be whsec_ followed by the base64 of at least 24 random bytes',
    );
  });
});

describe('channel vocabulary', () => {
  it('names secret fields that each type has', () => {
    for (const type of CHANNEL_TYPES) {
      for (const field of CHANNEL_SECRET_FIELDS[type]) {
        if (type === 'webhook') continue;
        expect(Object.keys(CHANNEL_SETTINGS[type].shape), `${type}.${field}`).toContain(field);
      }
    }
  });

  it('lets read keys list channels, and only admin keys change or test them', () => {
    expect([ROUTES.listChannels.scope, ROUTES.getChannel.scope]).toEqual(['read', 'read']);
    for (const route of [ROUTES.putChannel, ROUTES.deleteChannel, ROUTES.testChannel]) expect(route.scope).toBe('admin');
  });
});
