import type { BadgeEndpoint } from '@watchtower/protocol';
import type { Badge } from './badge-look.js';

/** The badge as shields.io draws it (badge-maker is shields.io's own renderer; it escapes the text). */
export async function renderBadgeSvg({ label, message, color }: Badge): Promise<string> {
  // Loaded with the first badge: a server whose badges nobody shows never holds it.
  const { makeBadge } = await import('badge-maker');
  return makeBadge({ label, message, color, style: 'flat' });
}

/** The badge in shields.io's endpoint format, for `img.shields.io/endpoint?url=…` and its styles. */
export function toBadgeEndpoint({ label, message, color }: Badge): BadgeEndpoint {
  return { schemaVersion: 1, label, message, color };
}
