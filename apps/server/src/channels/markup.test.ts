import { describe, expect, it } from 'vitest';
import { escapeFor } from './markup.js';

describe('escapeFor', () => {
  const hostile = 'db_1 *down* <@here> [x](http://a.example) & `rm` #1.';

  it('keeps plain text as it is', () => {
    expect(escapeFor('plain', hostile)).toBe(hostile);
  });

  it('turns HTML specials into entities', () => {
    expect(escapeFor('html', '<b>"a" & \'b\'</b>')).toBe('&#60;b&#62;&#34;a&#34; &#38; &#39;b&#39;&#60;/b&#62;');
  });

  it("escapes Slack's three control characters, so <!channel> cannot mention anyone", () => {
    expect(escapeFor('slack', '<!channel> a & b')).toBe('&lt;!channel&gt; a &amp; b');
  });

  it('backslashes Discord markdown and breaks mentions', () => {
    expect(escapeFor('discord', '*x* @everyone')).toBe('\\*x\\* @\u200beveryone');
  });

  it("escapes every character Telegram's MarkdownV2 reserves", () => {
    expect(escapeFor('telegram', 'a_b*c[d](e)~f`g>h#i+j-k=l|m{n}o.p!q\\r')).toBe(
      'a\\_b\\*c\\[d\\]\\(e\\)\\~f\\`g\\>h\\#i\\+j\\-k\\=l\\|m\\{n\\}o\\.p\\!q\\\\r',
    );
  });

  it('backslashes CommonMark punctuation', () => {
    expect(escapeFor('markdown', '**bold** [link](u)')).toBe('\\*\\*bold\\*\\* \\[link\\]\\(u\\)');
  });
});
