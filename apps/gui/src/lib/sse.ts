/** One server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
  /** Reconnection delay the server asked for, in milliseconds. */
  retry?: number;
}

/**
 * Parses a text/event-stream as it arrives, chunk by chunk (the WHATWG algorithm: lines
 * end in LF, CR or CRLF; `data` lines join with LF; a blank line dispatches; `:` starts a
 * comment). For `fetch`, since EventSource cannot send the password header.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  #retry: number | undefined;
  #started = false;
  #pendingCr = false;
  #reconnectDelay: number | undefined;

  /** The last `retry` the stream sent (it applies even without data), in milliseconds. */
  get reconnectDelay(): number | undefined {
    return this.#reconnectDelay;
  }

  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR at the end of the last chunk already ended its line; an LF right after it belongs to it.
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      // A lone CR at the very end may be the first half of a CRLF still on its way.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) {
        this.#pendingCr = true;
        const line = this.#buffer.slice(0, match.index);
        this.#buffer = '';
        this.#line(line, messages);
        break;
      }
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line, messages);
    }
    return messages;
  }

  #line(line: string, messages: SseMessage[]): void {
    if (line === '') {
      if (this.#data.length > 0) {
        const message: SseMessage = { event: this.#event || 'message', data: this.#data.join('\n') };
        if (this.#id !== undefined) message.id = this.#id;
        if (this.#retry !== undefined) message.retry = this.#retry;
        messages.push(message);
      }
      this.#data = [];
      this.#event = '';
      this.#retry = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\u0000')) this.#id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) {
          this.#retry = Number(value);
          this.#reconnectDelay = this.#retry;
        }
        break;
      default:
        // Unknown fields are ignored, as the standard says.
        break;
    }
  }
}
