import { type AlertTone, toneOf } from './alert-tone.js';
import type { ChannelKind } from './channel.js';
import { clip } from './fit-text.js';
import { createDeliveryError, postOrThrow } from './http-post.js';
import type { Markup } from './markup.js';
import { checkSecret, checkSettingUrl } from './setting-url.js';

export type NtfyPriority = 1 | 2 | 3 | 4 | 5 | 'min' | 'low' | 'default' | 'high' | 'max' | 'urgent';

export interface NtfySettings {
  /** The topic URL: https://ntfy.sh/my-alerts, or a topic on any ntfy server. */
  url: string;
  /** An access token (`tk_…`) for a protected topic, sent as a Bearer token. */
  token?: string;
  /** Every message's priority, 1 (min) to 5 (max); unset, deaths and error events go high (4), the rest at the default (3). */
  priority?: NtfyPriority;
}

/** How a template for this channel writes: plain text, as ntfy's apps show it. */
export const ntfyMarkup: Markup = 'plain';

const EXAMPLE = 'https://ntfy.sh/my-alerts';
const PRIORITY_NAMES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };
// ntfy's rule for a topic name.
const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
const ACCESS_TOKEN = /^tk_[A-Za-z0-9]{8,}$/;
// ntfy keeps 4,096 bytes of a message; a longer one becomes an attachment, or is refused.
const MAX_MESSAGE_BYTES = 4096;

/** An emoji shortcode ntfy shows before the title. */
export const NTFY_TAGS: Record<AlertTone, string> = {
  bad: 'rotating_light',
  warning: 'warning',
  good: 'white_check_mark',
  info: 'information_source',
};

function priorityOf(setting: NtfyPriority | undefined): number | undefined {
  if (setting === undefined) return undefined;
  return typeof setting === 'number' ? setting : PRIORITY_NAMES[setting];
}

/** The server's root (where JSON is published) and the topic, from a topic URL. */
function splitTopicUrl(url: URL): { root: URL; topic: string } | null {
  const segments = url.pathname.replace(/\/+$/, '').split('/');
  const topic = segments.pop() ?? '';
  if (!TOPIC.test(topic)) return null;
  const root = new URL(url);
  root.pathname = `${segments.join('/')}/`;
  root.search = '';
  root.hash = '';
  return { root, topic };
}

async function problemWithSettings(settings: NtfySettings, context: Parameters<ChannelKind['checkSettings']>[1]) {
  const urlProblem = await checkSettingUrl('url', settings.url, context, EXAMPLE);
  if (urlProblem) return urlProblem;
  if (!splitTopicUrl(new URL(settings.url))) {
    return `url must be a topic URL, ending in the topic's name (up to 64 letters, digits, - or _), such as ${EXAMPLE}`;
  }
  if (settings.token !== undefined) {
    const problem = checkSecret('token', settings.token);
    if (problem) return problem;
    if (!ACCESS_TOKEN.test(settings.token))
      return 'token must be an ntfy access token, which starts with tk_ (such as tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2)';
  }
  if (settings.priority !== undefined && !Object.values(PRIORITY_NAMES).includes(priorityOf(settings.priority) ?? 0)) {
    return 'priority must be 1 to 5, or one of min, low, default, high, max';
  }
  return null;
}

/**
 * ntfy: publishes the alert as JSON to the server of the topic URL, with a title, a tag
 * for the tone, and a priority: the channel's own, or high for a death and default otherwise.
 */
export const ntfyKind: ChannelKind<NtfySettings> = {
  type: 'ntfy',
  checkSettings: problemWithSettings,
  deliver: ({ alert, message, settings }, context) => {
    const target = splitTopicUrl(new URL(settings.url));
    if (!target) throw createDeliveryError('the ntfy url is not a topic URL', { permanent: true });
    const tone = toneOf(alert);
    const body = {
      topic: target.topic,
      title: message.templated?.title ?? message.title,
      message: clip(message.templated?.body ?? message.text, MAX_MESSAGE_BYTES, 'bytes'),
      priority: priorityOf(settings.priority) ?? (tone === 'bad' ? 4 : 3),
      tags: [NTFY_TAGS[tone]],
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (settings.token) headers.authorization = `Bearer ${settings.token}`;
    return postOrThrow(target.root, { body: JSON.stringify(body), headers }, context);
  },
};
