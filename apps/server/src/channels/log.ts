import type { Channel, ChannelKind } from './channel.js';

/** Writes the alert as a structured log line: for development, or log-based alerting. */
export const logChannel: Channel = {
  name: 'log',
  missingConfig: () => null,
  checkTarget: async () => null,
  deliver: async (alert, message, { log }) => {
    log.warn({ alert_id: alert.id, kind: alert.kind, service: alert.service, target: alert.target, text: message.text }, message.title);
  },
};

/** A named log channel: the line carries the channel's label, and the template's words if any. */
export const logKind: ChannelKind<{ label?: string }> = {
  type: 'log',
  checkSettings: async () => null,
  deliver: async ({ alert, message, settings }, { log }) => {
    const title = message.templated?.title ?? message.title;
    const text = message.templated?.body ?? message.text;
    log.warn(
      { alert_id: alert.id, kind: alert.kind, service: alert.service, channel: alert.channelName, label: settings.label, text },
      title,
    );
    return { status: 200, body: 'written to the server log' };
  },
};
