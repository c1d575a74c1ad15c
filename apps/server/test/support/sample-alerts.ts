import type { DeliveryContext } from '../../src/channels/channel.js';
import { classifyAddress, resolveWithSystem } from '../../src/channels/private-address.js';
import type { AlertRow } from '../../src/db/schema.js';
import { silentLogger } from '../../src/lib/logger.js';

/** A delivery context that may reach loopback, as a server with WATCHTOWER_ALLOW_PRIVATE_TARGETS=1. */
export const loopbackContext: DeliveryContext = {
  log: silentLogger,
  timeoutMs: 5_000,
  checkAddress: async () => {},
  connections: { resolveHost: resolveWithSystem, allowPrivateTargets: true, classify: classifyAddress },
};

/** As loopbackContext, in a test network where 127.0.0.1 plays a public host: its words are kept in errors. */
export const publicLoopbackContext: DeliveryContext = {
  ...loopbackContext,
  connections: {
    resolveHost: resolveWithSystem,
    allowPrivateTargets: true,
    classify: (address) => (address === '127.0.0.1' ? { range: 'unicast', isPublic: true } : classifyAddress(address)),
  },
};

/** A server that refuses private targets: saving settings that point at loopback fails. */
export const publicOnlyContext: Pick<DeliveryContext, 'checkAddress'> = {
  checkAddress: async (url) => {
    throw new Error(`${url.hostname} is a private or reserved address (loopback)`);
  },
};

const RAISED_AT = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const at = (secondsBefore: number) => RAISED_AT.getTime() / 1000 - secondsBefore;

const SAMPLE_DETAILS: Record<AlertRow['kind'], Record<string, unknown>> = {
  down: { last: at(3_900), expected: at(300), nextIn: 3_600, message: 'nightly run' },
  recovered: { last: at(3_900), expected: at(300), back: at(0) },
  failed: { runId: 'r-1', exitCode: 3, message: 'disk full', started: at(120), ended: at(0) },
  late: { last: at(3_000), expected: at(-600), warnBefore: 900, message: 'nightly run' },
  reminder: { diedAt: at(7_200), reminder: 2, last: at(10_800), expected: at(7_200) },
  event: { eventId: 'e-1', level: 40, message: 'payment failed', date: at(1) },
};

/** An alert row as the sender hands it to a channel, raised at 2026-01-01T12:00:00Z. */
export function sampleAlert(kind: AlertRow['kind'], overrides: Partial<AlertRow> = {}): AlertRow {
  return {
    id: `alert-${kind}-1`,
    kind,
    service: 'backup',
    channel: 'named',
    target: '',
    channelName: 'ops',
    details: SAMPLE_DETAILS[kind],
    status: 'pending',
    attempts: 0,
    nextAttemptAt: RAISED_AT,
    lastError: null,
    claimToken: null,
    createdAt: RAISED_AT,
    sentAt: null,
    ...overrides,
  };
}

/** A service name made to break every markup: formatting, links, mentions, HTML. */
export const HOSTILE_SERVICE = 'db_1 *x* <b>&</b> @everyone [a](http://e.example) `c` #1.';
