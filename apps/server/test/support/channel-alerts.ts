import { ALERT_KINDS, LEVELS } from '@watchtower/protocol';
import { DeliveryError, type DeliveryContext } from '../../src/channels/channel.js';
import { classifyAddress, resolveWithSystem } from '../../src/channels/private-address.js';
import type { AlertRow } from '../../src/db/schema.js';
import { silentLogger } from '../../src/lib/logger.js';

/** A service name and a message that would turn into markup, links and mentions if sent unescaped. */
export const HOSTILE_SERVICE = 'db*backup_[prod](http://evil.example)<b>&@everyone';
export const HOSTILE_MESSAGE = '<script>alert("x")</script> **bold** _it_ `code` @here #1 > quote ~strike~ |spoiler|';

const CREATED = new Date('2026-03-01T12:00:00Z');
const at = (seconds: number) => CREATED.getTime() / 1000 + seconds;

/** What each kind of alert carries in its details, as the server writes them. */
const DETAILS: Record<AlertRow['kind'], Record<string, unknown>> = {
  down: { last: at(-600), nextIn: 300, expected: at(-300), message: 'nightly run' },
  failed: { started: at(-120), ended: at(0), exitCode: 2, message: 'disk full' },
  late: { last: at(-250), expected: at(50), message: 'nightly run' },
  reminder: { diedAt: at(-3600), reminder: 2 },
  recovered: { last: at(-900), back: at(0), expected: at(-600) },
  event: { eventId: 7, level: LEVELS.error, message: 'payment failed', date: at(0) },
};

export const KINDS = ALERT_KINDS;

/** An alert of one kind for `service`, as the outbox holds it. */
export function alertOf(kind: AlertRow['kind'], service = 'backup', details: Record<string, unknown> = {}): AlertRow {
  return {
    id: `alert-${kind}-1`,
    kind,
    service,
    channel: 'named',
    target: '',
    channelName: 'ops',
    details: { ...DETAILS[kind], ...details },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: CREATED,
    lastError: null,
    claimToken: null,
    createdAt: CREATED,
    sentAt: null,
  };
}

/** A test network in which 127.0.0.1 plays a public host, so that a provider's words are kept. */
export const loopbackPlaysPublic = (address: string) =>
  address === '127.0.0.1' ? { range: 'unicast', isPublic: true } : classifyAddress(address);

/** The context deliveries get on a server that allows private targets: loopback fakes are reachable. */
export function deliveryContext(options: { public?: boolean; timeoutMs?: number } = {}): DeliveryContext {
  return {
    log: silentLogger,
    timeoutMs: options.timeoutMs ?? 5_000,
    checkAddress: async () => {},
    connections: {
      resolveHost: resolveWithSystem,
      allowPrivateTargets: true,
      classify: options.public ? loopbackPlaysPublic : classifyAddress,
    },
  };
}

/** A checkAddress that refuses everything, as a server that allows no private targets would for loopback. */
export const refusingCheck = {
  checkAddress: async (url: URL) => {
    throw new Error(`${url.hostname} is a private or reserved address (loopback)`);
  },
};

/** The DeliveryError a delivery failed with; fails the test when it succeeded or threw anything else. */
export async function failureOf(delivery: Promise<unknown>): Promise<DeliveryError> {
  const outcome = await delivery.then(
    () => new Error('the delivery succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof DeliveryError)) throw outcome;
  return outcome;
}
