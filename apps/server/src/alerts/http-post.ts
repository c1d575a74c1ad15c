import { DeliveryError } from './channel.js';

/** POSTs and throws a DeliveryError that says what went wrong unless the answer is 2xx. */
export async function postOrThrow(
  url: URL | string,
  init: { body: string; headers: Record<string, string>; timeoutMs: number },
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body: init.body,
      headers: init.headers,
      redirect: 'error',
      signal: AbortSignal.timeout(init.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DeliveryError(`no answer from ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).slice(0, 300);
    throw new DeliveryError(`${new URL(url).host} answered ${response.status}${text ? `: ${text}` : ''}`, { permanent: response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429 });
  }
  // Drain the body so the connection can be reused.
  await response.arrayBuffer().catch(() => undefined);
}
