import type { CreateEmailRequestOptions, ErrorResponse, Resend } from 'resend';
import type { Config } from '../config.js';
import type { Channel, ChannelKind, DeliveryError } from './channel.js';
import { createDeliveryError, isPermanentStatus, openGuardedConnections } from './http-post.js';

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

// Resend's error names that no retry gets past: a bad key, a bad sender, a bad request.
const PERMANENT_ERRORS = new Set([
  'invalid_idempotency_key',
  'invalid_idempotent_request',
  'validation_error',
  'missing_api_key',
  'restricted_api_key',
  'invalid_api_key',
  'not_found',
  'method_not_allowed',
  'invalid_attachment',
  'invalid_from_address',
  'invalid_access',
  'invalid_parameter',
  'invalid_region',
  'missing_required_field',
  'security_error',
]);
// Limits that lift with time (or a plan change), whatever status they come with.
const PASSING_ERRORS = new Set(['rate_limit_exceeded', 'daily_quota_exceeded', 'monthly_quota_exceeded', 'concurrent_idempotent_requests']);

/**
 * The DeliveryError for an error the Resend SDK returned: permanent for a refusal no retry
 * can fix, with Resend's own words only when they came from a public address.
 */
export function resendFailure(
  error: Partial<ErrorResponse> | null | undefined,
  { connected, showMessage }: { connected: boolean; showMessage: boolean },
): DeliveryError {
  const name = typeof error?.name === 'string' ? error.name : 'unknown_error';
  const status = typeof error?.statusCode === 'number' ? error.statusCode : null;
  // The SDK reports a failed fetch as an error without a status.
  if (!connected && status === null && !PERMANENT_ERRORS.has(name)) return createDeliveryError('no answer from Resend');
  const permanent = PERMANENT_ERRORS.has(name) || (status !== null && !PASSING_ERRORS.has(name) && isPermanentStatus(status));
  const words = showMessage && typeof error?.message === 'string' ? `: ${error.message}` : '';
  return createDeliveryError(`Resend refused the e-mail (${status ?? 'no status'}, ${name})${words}`, { permanent });
}

/** E-mail through Resend; the alert id is the Idempotency-Key, so a retry never sends twice. */
export function emailChannel(config: Config, name: 'email' | 'mail' = 'email'): Channel {
  const { resendApiKey, resendBaseUrl, from } = config.alerts.email;
  // The SDK is loaded on the first e-mail: most servers never send one.
  let resend: Promise<Resend> | undefined;
  const client = () =>
    (resend ??= import('resend').then(({ Resend }) => new Resend(resendApiKey, resendBaseUrl ? { baseUrl: resendBaseUrl } : undefined)));
  return {
    name,
    missingConfig: () => {
      if (!resendApiKey) return `the ${name} channel needs a Resend API key: set RESEND_API_KEY`;
      if (!from) return `the ${name} channel needs a sender address: set WATCHTOWER_MAIL_FROM`;
      return null;
    },
    checkTarget: async (target) =>
      target.length <= 254 && ADDRESS.test(target) ? null : `an ${name} alertTarget must be an e-mail address such as ops@example.com`,
    deliver: async (alert, message, { timeoutMs, connections: policy }) => {
      const connections = openGuardedConnections(policy, timeoutMs);
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        // The SDK hands these options to its fetch: the dispatcher makes that fetch connect
        // only to checked addresses (the cast: the SDK's type does not list `dispatcher`).
        const options = { idempotencyKey: alert.id, signal, dispatcher: connections.dispatcher } as CreateEmailRequestOptions;
        const { data, error } = await (await client()).emails.send(
          { from: from!, to: [alert.target], subject: message.title, text: message.text, ...(message.html && { html: message.html }) },
          options,
        );
        if (connections.failure) throw createDeliveryError(connections.failure);
        if (signal.aborted) throw createDeliveryError(`Resend did not answer within ${timeoutMs} ms`);
        if (error || !data)
          throw resendFailure(error, { connected: connections.peer !== undefined, showMessage: connections.reachedPublic });
      } finally {
        await connections.close();
      }
    },
  };
}

/** A named e-mail channel: an address, written to through the server's Resend settings. */
export function emailKind(config: Config): ChannelKind<{ to: string }> {
  const channel = emailChannel(config);
  return {
    type: 'email',
    checkSettings: async () => channel.missingConfig(),
    deliver: async ({ alert, message, settings }, context) => {
      const worded = message.templated ? { ...message, title: message.templated.title, text: message.templated.body, html: '' } : message;
      await channel.deliver({ ...alert, target: settings.to }, worded, context);
      return { status: 200, body: 'accepted by Resend' };
    },
  };
}
