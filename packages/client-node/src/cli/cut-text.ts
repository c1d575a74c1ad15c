// A character beyond the BMP (an emoji) is two UTF-16 units; a cut between them leaves a
// lone half, which is not text: the server refuses it.
const HIGH_HALF = /[\uD800-\uDBFF]$/;
const LOW_HALF = /^[\uDC00-\uDFFF]/;

/** The first `length` UTF-16 units of `text` at most, ending on a whole character. */
export function keepHead(text: string, length: number): string {
  const head = text.slice(0, length);
  return HIGH_HALF.test(head) ? head.slice(0, -1) : head;
}

/** The last `length` UTF-16 units of `text` at most, starting on a whole character. */
export function keepTail(text: string, length: number): string {
  if (length <= 0) return '';
  const tail = text.slice(-length);
  return LOW_HALF.test(tail) ? tail.slice(1) : tail;
}
