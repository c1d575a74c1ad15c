// A character beyond the BMP (an emoji) is two UTF-16 units; a cut between them leaves a
// lone half, which is not text: the server refuses it.
const HIGH_HALF = /[\uD800-\uDBFF]$/;

/** The first `length` UTF-16 units of `text` at most, ending on a whole character. */
export function keepHead(text: string, length: number): string {
  if (length <= 0) return '';
  const head = text.slice(0, length);
  return HIGH_HALF.test(head) ? head.slice(0, -1) : head;
}
