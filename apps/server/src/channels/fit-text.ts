import { escapeFor, type Markup } from './markup.js';

const ELLIPSIS = '…';
const utf8 = new TextEncoder();

/** How a provider counts a text's length against its limit. */
export type Measure = 'chars' | 'bytes';

const sizeOf = (text: string, measure: Measure) => (measure === 'bytes' ? utf8.encode(text).length : Array.from(text).length);

/** `text` cut to at most `max` (characters, or UTF-8 bytes), ending in an ellipsis when cut; never splits a character. */
export function clip(text: string, max: number, measure: Measure = 'chars'): string {
  if (sizeOf(text, measure) <= max) return text;
  const room = max - sizeOf(ELLIPSIS, measure);
  let kept = '';
  let size = 0;
  for (const char of text) {
    const charSize = sizeOf(char, measure);
    if (size + charSize > room) break;
    kept += char;
    size += charSize;
  }
  return kept + ELLIPSIS;
}

/**
 * `text` escaped for `markup` within `max` characters: the cut falls between escaped
 * characters, so it never leaves half an escape that would turn the rest into markup.
 */
export function escapeWithin(markup: Markup, text: string, max: number): string {
  const escaped = escapeFor(markup, text);
  if (Array.from(escaped).length <= max) return escaped;
  const room = max - 1;
  let kept = '';
  let size = 0;
  for (const char of text) {
    const piece = escapeFor(markup, char);
    const pieceSize = Array.from(piece).length;
    if (size + pieceSize > room) break;
    kept += piece;
    size += pieceSize;
  }
  return kept + escapeFor(markup, ELLIPSIS);
}
