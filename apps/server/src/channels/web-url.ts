import type { DeliveryContext } from './channel.js';

/** Why a target is not a usable http(s) URL for a channel, or null. */
export async function checkWebUrl(
  channel: string,
  target: string,
  { checkAddress }: Pick<DeliveryContext, 'checkAddress'>,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return `a ${channel} alertTarget must be an http(s) URL; received ${JSON.stringify(target.slice(0, 80))}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `a ${channel} alertTarget must be an http(s) URL; received a ${url.protocol.replace(':', '')} URL`;
  }
  try {
    await checkAddress(url);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}
