import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('reads named events with JSON data, as the server writes them', () => {
    const parser = new SseParser();
    const messages = parser.push('event: ready\ndata: {}\nretry: 2000\n\nevent: heartbeat\ndata: {"type":"heartbeat"}\n\n');
    expect(messages).toEqual([
      { event: 'ready', data: '{}', retry: 2000 },
      { event: 'heartbeat', data: '{"type":"heartbeat"}' },
    ]);
    expect(parser.reconnectDelay).toBe(2000);
  });

  it('joins an event split across chunks anywhere, even inside a CRLF', () => {
    const text = 'event: event\r\ndata: {"a":\r\ndata: 1}\r\n\r\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = new SseParser();
      const messages = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(messages, `cut at ${cut}`).toEqual([{ event: 'event', data: '{"a":\n1}' }]);
    }
  });

  it('accepts CR alone as a line end', () => {
    expect(new SseParser().push('data: x\r\r')).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('skips comments such as keep-alives, and events without data', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nevent: lonely\n\n')).toEqual([]);
    expect(parser.push('data: after\n\n')).toEqual([{ event: 'message', data: 'after' }]);
  });

  it('keeps an unfinished event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('event: alert\ndata: {}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'alert', data: '{}' }]);
  });

  it('drops a leading byte-order mark and keeps colons inside values', () => {
    expect(new SseParser().push('\uFEFFdata: a: b\n\n')).toEqual([{ event: 'message', data: 'a: b' }]);
  });

  it('ignores a retry that is not a number', () => {
    const parser = new SseParser();
    parser.push('retry: soon\ndata: x\n\n');
    expect(parser.reconnectDelay).toBeUndefined();
  });
});
