import type { Channel } from './channel.js';

/** Writes the alert as a structured log line: for development, or log-based alerting. */
export const logChannel: Channel = {
  name: 'log',
  missingConfig: () => null,
  checkTarget: async () => null,
  deliver: async (alert, message, { log }) => {
    log.warn({ alert_id: alert.id, kind: alert.kind, service: alert.service, target: alert.target, text: message.text }, message.title);
  },
};
