/**
 * How far the server's clock is ahead of this browser's, in seconds, from an answer's
 * `Date` header (whole seconds, so ±1 s). Countdowns compare the server's deadlines with
 * the server's time: a browser whose clock is off still shows the truth. Differences
 * under 2 s are within the header's precision and count as none.
 */
export function clockOffset(dateHeader: string | null, receivedAtMillis: number): number | undefined {
  if (!dateHeader) return undefined;
  const serverMillis = Date.parse(dateHeader);
  if (!Number.isFinite(serverMillis)) return undefined;
  // The header is truncated to the second: the server's true time was up to 1 s later.
  const offset = (serverMillis + 500 - receivedAtMillis) / 1000;
  return Math.abs(offset) < 2 ? 0 : offset;
}
