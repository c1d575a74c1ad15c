import { PULSE_SETTING_FIELDS, type PulseRequest, type ServicePatchChange } from '@watchtower/protocol';
import type { HeartbeatRow } from '../../db/schema.js';
import { checkChannelNames } from '../channels/find-channels.js';
import type { DomainContext } from '../context.js';
import { checkDependencies } from './configure-service.js';

type PulseSettings = Pick<ServicePatchChange, 'remindEvery' | 'warnBefore' | 'dependsOn' | 'channels'>;

/** The lifecycle settings a pulse carries, as a change of its service; null when it carries none. */
export function pulseSettingsOf(pulse: PulseRequest): PulseSettings | null {
  const given = PULSE_SETTING_FIELDS.filter((field) => pulse[field] !== undefined);
  if (given.length === 0) return null;
  const settings: PulseSettings = {};
  if (pulse.remindEvery !== undefined) settings.remindEvery = pulse.remindEvery;
  if (pulse.warnBefore !== undefined) settings.warnBefore = pulse.warnBefore;
  // An emptied list is an empty list.
  if (pulse.dependsOn !== undefined) settings.dependsOn = pulse.dependsOn ?? [];
  if (pulse.channels !== undefined) settings.channels = pulse.channels ?? [];
  return settings;
}

/** Whether the settings are wrong for the service (a parent or a channel that does not exist, a cycle): checked before the pulse is stored. */
export async function checkPulseSettings(context: DomainContext, service: string, settings: PulseSettings): Promise<void> {
  if (settings.dependsOn) await checkDependencies(context, service, settings.dependsOn);
  if (settings.channels) await checkChannelNames(context, { names: settings.channels });
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * The part of the settings that differs from what the service has: a client that sends the
 * same settings with every pulse writes them once. Null when nothing differs.
 */
export function changedSettings(settings: PulseSettings, row: HeartbeatRow): PulseSettings | null {
  const change: PulseSettings = {};
  if (settings.remindEvery !== undefined && settings.remindEvery !== row.remindEvery) change.remindEvery = settings.remindEvery;
  if (settings.warnBefore !== undefined && settings.warnBefore !== row.warnBefore) change.warnBefore = settings.warnBefore;
  if (settings.dependsOn && !sameList(settings.dependsOn, row.dependsOn)) change.dependsOn = settings.dependsOn;
  if (settings.channels && !sameList(settings.channels, row.channels)) change.channels = settings.channels;
  return Object.keys(change).length > 0 ? change : null;
}
