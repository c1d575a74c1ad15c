import { StringDecoder } from 'node:string_decoder';
import { keepHead, keepTail } from './cut-text.js';

// Colour codes and other escapes, then control characters but tab.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal escapes to strip
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters to strip
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;
// An unfinished line keeps at most this many characters (its end, where a redrawn line ends up).
const MAX_PENDING = 8_192;

/** Keeps the last lines a program wrote, across its output streams, for a failure report. */
export class OutputTail {
  readonly #lines: string[] = [];
  readonly #pending = new Map<string, { decoder: StringDecoder; text: string }>();
  #seen = 0;

  constructor(
    readonly maxLines: number,
    readonly maxLineLength = 500,
  ) {}

  /** Adds a chunk of raw output from the stream named `stream`. */
  write(stream: string, chunk: Buffer): void {
    let state = this.#pending.get(stream);
    if (!state) {
      state = { decoder: new StringDecoder('utf8'), text: '' };
      this.#pending.set(stream, state);
    }
    const pieces = (state.text + state.decoder.write(chunk)).split('\n');
    state.text = keepTail(pieces.pop() ?? '', MAX_PENDING);
    for (const line of pieces) this.#push(line);
  }

  /** Ends every stream: unfinished lines count as lines. */
  end(): void {
    for (const state of this.#pending.values()) {
      const rest = state.text + state.decoder.end();
      if (rest) this.#push(rest);
    }
    this.#pending.clear();
  }

  /** The last lines, oldest first. */
  lines(): string[] {
    return [...this.#lines];
  }

  /** How many lines were written in all. */
  get total(): number {
    return this.#seen;
  }

  #push(raw: string): void {
    // A line redrawn with \r (a progress bar) shows what follows the last \r.
    const trimmed = raw.replace(/\r+$/, '');
    const shown = trimmed
      .slice(trimmed.lastIndexOf('\r') + 1)
      .replace(ESCAPES, '')
      .replace(CONTROLS, '');
    this.#lines.push(shown.length > this.maxLineLength ? `${keepHead(shown, this.maxLineLength)}…` : shown);
    this.#seen += 1;
    if (this.#lines.length > this.maxLines) this.#lines.shift();
  }
}
