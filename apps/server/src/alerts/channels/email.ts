import { Resend } from 'resend';
import type { Config } from '../../config.js';
import { DeliveryError, type Channel } from '../channel.js';

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** E-mail through Resend; the alert id is the Idempotency-Key, so a retry never sends twice. */
export function emailChannel(config: Config, name: 'email' | 'mail' = 'email'): Channel {
  const { resendApiKey, resendBaseUrl, from } = config.alerts.email;
  const resend = resendApiKey ? new Resend(resendApiKey, resendBaseUrl ? { baseUrl: resendBaseUrl } : undefined) : undefined;
  return {
    name,
    missingConfig: () => {
      if (!resend) return `the ${name} channel needs a Resend API key: set RESEND_API_KEY`;
      if (!from) return `the ${name} channel needs a sender address: set WATCHTOWER_MAIL_FROM`;
      return null;
    },
    checkTarget: async (target) =>
      target.length <= 254 && ADDRESS.test(target) ? null : `an ${name} alertTarget must be an e-mail address such as ops@example.com`,
    deliver: async (alert, message, { timeoutMs }) => {
      const sending = resend!.emails.send(
        { from: from!, to: [alert.target], subject: message.title, text: message.text, html: message.html },
        { idempotencyKey: alert.id },
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeliveryError(`Resend did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const { error } = await Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
      if (error) throw new DeliveryError(`Resend refused the e-mail: ${error.message}`);
    },
  };
}
