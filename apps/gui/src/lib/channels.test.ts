import { ALERT_KINDS, CHANNEL_SECRET_FIELDS, CHANNEL_SETTINGS, CHANNEL_TYPES, type ChannelView } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import {
  CHANNEL_FIELDS,
  CHANNEL_TYPE_NAMES,
  channelBody,
  channelNameProblem,
  checkChannelDraft,
  draftFromChannel,
  emptyChannelDraft,
  fieldOfChannelHint,
  settingsSummary,
  TEMPLATE_VARIABLES,
} from './channels.js';

const SLACK: ChannelView = {
  name: 'team',
  type: 'slack',
  settings: {},
  secrets: ['url'],
  templates: { down: { title: '{{service}} is down' } },
  source: 'api',
  created: 1_800_000_000,
  updated: 1_800_000_000,
  usedBy: [],
};

describe('the form of each channel type', () => {
  it('offers every type, with exactly the settings the protocol takes', () => {
    expect([...CHANNEL_TYPE_NAMES].sort()).toEqual([...CHANNEL_TYPES].sort());
    for (const type of CHANNEL_TYPES) {
      expect(CHANNEL_FIELDS[type].map(({ name }) => name).sort(), type).toEqual(Object.keys(CHANNEL_SETTINGS[type].shape).sort());
    }
  });

  it('marks as secret the settings the server keeps apart (a webhook’s secret is made by the server, not typed)', () => {
    for (const type of CHANNEL_TYPES) {
      const secrets = CHANNEL_FIELDS[type].filter((field) => field.secret).map(({ name }) => name);
      const expected = type === 'webhook' ? [] : [...CHANNEL_SECRET_FIELDS[type]];
      expect(secrets.sort(), type).toEqual(expected.sort());
    }
  });

  it('lists the variables of every kind of alert', () => {
    expect(Object.keys(TEMPLATE_VARIABLES).sort()).toEqual([...ALERT_KINDS].sort());
    for (const kind of ALERT_KINDS) expect(TEMPLATE_VARIABLES[kind]).toContain('service');
  });
});

describe('channelBody', () => {
  it('sends the settings typed, numbers and ticks as such, and leaves out what is empty', () => {
    const draft = {
      ...emptyChannelDraft('smtp'),
      values: { host: ' smtp.example.com ', port: '587', secure: 'true', user: '', from: 'a@example.com', to: 'b@example.com' },
    };
    expect(channelBody(draft)).toEqual({
      type: 'smtp',
      host: 'smtp.example.com',
      port: 587,
      secure: true,
      from: 'a@example.com',
      to: 'b@example.com',
      templates: {},
    });
  });

  it('keeps a stored secret by leaving it out, and sends the templates filled in', () => {
    const draft = draftFromChannel(SLACK);
    expect(channelBody(draft)).toEqual({ type: 'slack', templates: { down: { title: '{{service}} is down' } } });
    draft.templates.failed = { title: '', body: 'exit {{exitCode}}' };
    expect(channelBody(draft)).toMatchObject({ templates: { failed: { body: 'exit {{exitCode}}' } } });
  });

  it('asks a webhook for a new secret only when told', () => {
    const draft = { ...emptyChannelDraft('webhook'), values: { url: 'https://example.com/hook' } };
    expect(channelBody(draft)).not.toHaveProperty('rotateSecret');
    expect(channelBody({ ...draft, rotateSecret: true })).toMatchObject({ rotateSecret: true });
  });
});

describe('draftFromChannel', () => {
  it('types a list of recipients comma-separated, as the server reads it back', () => {
    const smtp: ChannelView = { ...SLACK, type: 'smtp', settings: { host: 'mx', to: ['a@example.com', 'b@example.com'], secure: true } };
    expect(draftFromChannel(smtp).values).toEqual({ host: 'mx', to: 'a@example.com, b@example.com', secure: 'true' });
  });
});

describe('checkChannelDraft', () => {
  it('needs a name and the required settings, but not a secret that is stored', () => {
    expect(checkChannelDraft(emptyChannelDraft('slack'), undefined)).toEqual({
      name: expect.stringContaining('Name is required'),
      url: expect.stringContaining('URL is required'),
    });
    expect(checkChannelDraft(draftFromChannel(SLACK), SLACK)).toEqual({});
  });

  it('names what is wrong with a name', () => {
    expect(channelNameProblem('ops slack')).toMatch(/^Name must be 1 to 50 letters/);
    expect(channelNameProblem('ops-slack')).toBeUndefined();
  });
});

describe('settingsSummary and fieldOfChannelHint', () => {
  it('shows what is not secret in a line', () => {
    expect(settingsSummary({ type: 'ntfy', settings: { url: 'https://ntfy.sh/a', priority: 4 } })).toBe(
      'url https://ntfy.sh/a, priority 4',
    );
    expect(settingsSummary({ type: 'smtp', settings: { to: ['a@example.com', 'b@example.com'] } })).toBe('to a@example.com, b@example.com');
  });

  it('finds the setting a refusal names', () => {
    expect(fieldOfChannelHint('slack', 'url must be the Slack incoming webhook URL (at most 2000 characters)')).toBe('url');
    expect(fieldOfChannelHint('slack', 'the server is busy')).toBeUndefined();
  });
});
