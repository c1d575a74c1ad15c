import { ALERT_KINDS } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { HOSTILE_SERVICE, sampleAlert } from '../../test/support/sample-alerts.js';
import type { Markup } from './markup.js';
import { renderAlert } from './render-alert.js';
import { applyTemplate, checkTemplates, templateValues, templateVariables } from './templates.js';

const MARKUPS: Markup[] = ['plain', 'html', 'slack', 'discord', 'telegram', 'markdown'];

function filled(kind: (typeof ALERT_KINDS)[number], template: { title?: string; body?: string }, markup: Markup, service = 'backup') {
  const alert = sampleAlert(kind, { service });
  return applyTemplate(renderAlert(alert), alert, { [kind]: template }, markup).templated;
}

describe('checkTemplates', () => {
  it('accepts templates that name only their kind’s variables', () => {
    expect(
      checkTemplates({
        down: { title: '{{service}} is down since {{since}}', body: 'Last pulse {{ last }}, {{late}} late' },
        failed: { body: 'exit {{exitCode}}: {{message}}' },
        recovered: { title: '{{service}} is back after {{downFor}}' },
        late: { title: '{{service}} due in {{left}}' },
        reminder: { body: 'reminder {{reminder}}, down for {{downFor}}' },
        event: { title: '[{{level}}] {{service}}: {{message}}' },
      }),
    ).toBeNull();
  });

  it('accepts no templates at all', () => {
    expect(checkTemplates(undefined)).toBeNull();
    expect(checkTemplates({})).toBeNull();
  });

  it('refuses an unknown variable, naming the kind, the variable and the ones available', () => {
    expect(checkTemplates({ down: { title: '{{service}} exit {{exitCode}}' } })).toBe(
      'templates.down.title: unknown variable {{exitCode}}; the variables for down are service, kind, status, title, text, at, since, last, expected, late, nextIn, message, runStarted, maxRuntime',
    );
  });

  it.each(['{{#if service}}x{{/if}}', '{{service | upper}}', '{{ service.name }}', '{{late + 1}}', '{{}}'])(
    'refuses logic or expressions: %s',
    (text) => {
      expect(checkTemplates({ down: { body: text } })).toMatch(
        /^templates\.down\.body: \{\{.*\}\} is not a variable; .*the variables for down are service/,
      );
    },
  );

  it('refuses a placeholder left open and a raw triple-brace one', () => {
    expect(checkTemplates({ late: { body: '{{service is late' } })).toBe('templates.late.body: a "{{" is not closed by "}}"');
    expect(checkTemplates({ late: { body: '{{{service}}}' } })).toMatch(/^templates\.late\.body: "\{\{\{" is not allowed/);
  });

  it('refuses an unknown kind, an unknown field, text that is not a string, and a title too long', () => {
    expect(checkTemplates({ dead: { title: 'x' } })).toBe(
      'templates: unknown alert kind "dead"; the kinds are down, recovered, failed, late, reminder, event',
    );
    expect(checkTemplates({ down: { subject: 'x' } })).toBe('templates.down: unknown field "subject"; a template has a title and a body');
    expect(checkTemplates({ down: { title: 3 } })).toBe('templates.down.title must be text; received number');
    expect(checkTemplates({ down: 'x' })).toBe('templates.down must be an object with a title, a body or both');
    expect(checkTemplates([])).toMatch(/^templates must be an object keyed by alert kind/);
    expect(checkTemplates({ down: { title: 'x'.repeat(501) } })).toBe(
      'templates.down.title is 501 characters long; at most 500 are allowed',
    );
  });
});

describe('template variables', () => {
  it.each(ALERT_KINDS)('gives every variable of %s a value, and no other', (kind) => {
    const alert = sampleAlert(kind);
    const values = templateValues(renderAlert(alert), alert);
    expect(Object.keys(values).sort()).toEqual(templateVariables(kind).sort());
  });

  it('formats times as ISO and durations for people', () => {
    const down = sampleAlert('down');
    expect(templateValues(renderAlert(down), down)).toMatchObject({
      service: 'backup',
      kind: 'down',
      status: 'dead',
      at: '2026-01-01T12:00:00Z',
      since: '2026-01-01T11:55:00Z',
      last: '2026-01-01T10:55:00Z',
      late: '5 min',
      nextIn: '1 h',
      message: 'nightly run',
      runStarted: '',
    });
    const failed = sampleAlert('failed');
    expect(templateValues(renderAlert(failed), failed)).toMatchObject({ exitCode: '3', runtime: '2 min', message: 'disk full' });
    const reminder = sampleAlert('reminder');
    expect(templateValues(renderAlert(reminder), reminder)).toMatchObject({
      reminder: '2',
      downFor: '2 h',
      diedAt: '2026-01-01T10:00:00Z',
    });
    const event = sampleAlert('event');
    expect(templateValues(renderAlert(event), event)).toMatchObject({ level: 'error', message: 'payment failed', status: 'error' });
  });
});

describe('applyTemplate', () => {
  it('leaves the message alone when the channel has no template for the kind', () => {
    const alert = sampleAlert('down');
    const message = renderAlert(alert);
    expect(applyTemplate(message, alert, undefined, 'html')).toBe(message);
    expect(applyTemplate(message, alert, { recovered: { title: 'up' } }, 'html').templated).toBeUndefined();
  });

  it('fills the variables and keeps the template’s own markup as written', () => {
    expect(filled('down', { title: '*{{service}}* is down since {{since}}', body: '_late by {{late}}_' }, 'slack')).toEqual({
      title: '*backup* is down since 2026-01-01T11:55:00Z',
      body: '_late by 5 min_',
    });
  });

  it('falls back to the built-in title or body, escaped, when the template lacks one', () => {
    const alert = sampleAlert('down', { service: '<b>x</b>' });
    const message = renderAlert(alert);
    const templated = applyTemplate(message, alert, { down: { body: 'gone' } }, 'html').templated!;
    expect(templated).toEqual({ title: 'watchtower: &#60;b&#62;x&#60;/b&#62; is down', body: 'gone' });
    const titleOnly = applyTemplate(message, alert, { down: { title: 'T' } }, 'markdown').templated!;
    expect(titleOnly.body).toBe(message.text.replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, '\\$&'));
  });

  it.each(MARKUPS)('never lets a hostile service name turn into %s formatting', (markup) => {
    const templated = filled('down', { title: '{{service}}', body: 'service: {{service}} ({{title}})' }, markup, HOSTILE_SERVICE)!;
    const expected: Record<Markup, string> = {
      plain: HOSTILE_SERVICE,
      html: 'db_1 *x* &#60;b&#62;&#38;&#60;/b&#62; @everyone [a](http://e.example) `c` #1.',
      slack: 'db_1 *x* &lt;b&gt;&amp;&lt;/b&gt; @everyone [a](http://e.example) `c` #1.',
      discord: 'db\\_1 \\*x\\* \\<b\\>&\\</b\\> @\u200beveryone \\[a\\]\\(http://e\\.example\\) \\`c\\` \\#1\\.',
      markdown: 'db\\_1 \\*x\\* \\<b\\>&\\</b\\> @everyone \\[a\\]\\(http://e\\.example\\) \\`c\\` \\#1\\.',
      telegram: 'db\\_1 \\*x\\* <b\\>&</b\\> @everyone \\[a\\]\\(http://e\\.example\\) \\`c\\` \\#1\\.',
    };
    expect(templated.title).toBe(expected[markup]);
    expect(templated.body.startsWith(`service: ${expected[markup]} `)).toBe(true);
  });

  it('escapes a message and an exit code as values too', () => {
    const alert = sampleAlert('failed', {
      details: { exitCode: 1, message: '<script>alert(1)</script> @here', started: null, ended: Date.UTC(2026, 0, 1) / 1000 },
    });
    const templated = applyTemplate(renderAlert(alert), alert, { failed: { body: '<i>{{message}}</i> code {{exitCode}}' } }, 'html')
      .templated!;
    expect(templated.body).toBe('<i>&#60;script&#62;alert(1)&#60;/script&#62; @here</i> code 1');
  });

  it('shows a placeholder its kind does not know as written, escaped', () => {
    const alert = sampleAlert('late');
    const templated = applyTemplate(renderAlert(alert), alert, { late: { title: '{{service}} {{constructor}} {{exitCode}}' } }, 'plain')
      .templated!;
    expect(templated.title).toBe('backup {{constructor}} {{exitCode}}');
  });
});
