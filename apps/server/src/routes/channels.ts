import { randomUUID } from 'node:crypto';
import {
  ChannelBody,
  ChannelName,
  ROUTES,
  type ChannelResponse,
  type ListChannelsResponse,
  type PutChannelResponse,
  type TestChannelResponse,
} from '@watchtower/protocol';
import { Hono, type Context } from 'hono';
import { problemWithTemplates } from '../channels/channel-templates.js';
import { deliverThroughChannel, testAlert } from '../channels/named-delivery.js';
import type { ResolvedDeps } from '../deps.js';
import { applyChanges } from '../domain/changes.js';
import { withStoredSecrets } from '../domain/channels/channel-secrets.js';
import { channelNotFound, deleteChannel } from '../domain/channels/delete-channel.js';
import { channelUsers, findChannel, listChannels } from '../domain/channels/find-channels.js';
import { configOwned, saveChannel } from '../domain/channels/save-channel.js';
import { DomainError } from '../domain/errors.js';
import { toChannelView } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';

/** Named channels: defined once (here or in the config file), named by services. */
export function channelRoutes({ db, clock, channels: registry }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const context = { db, clock };
  const nameOf = (c: Context<AppEnv>) => parseInput(ChannelName, c.req.param('name'));
  const usersOf = async (name: string) => (await channelUsers(context, { names: [name] })).get(name) ?? [];

  app.get(ROUTES.listChannels.paths[0], async (c) => {
    const all = await listChannels(context);
    return c.json({
      result: 200,
      channels: all.map(({ channel, usedBy }) => toChannelView(channel, usedBy)),
    } satisfies ListChannelsResponse);
  });

  app.get(ROUTES.getChannel.paths[0], async (c) => {
    const name = nameOf(c);
    const channel = await findChannel(context, { name });
    if (!channel) throw channelNotFound(name);
    return c.json({ result: 200, channel: toChannelView(channel, await usersOf(name)) } satisfies ChannelResponse);
  });

  app.put(ROUTES.putChannel.paths[0], async (c) => {
    const name = nameOf(c);
    const body = await readBody(c);
    const existing = await findChannel(context, { name });
    if (existing?.source === 'config') throw configOwned(name);
    // A replacement that leaves a secret out keeps the stored one.
    const definition = parseInput(ChannelBody, withStoredSecrets(body, existing));
    const problem =
      problemWithTemplates(definition.templates) ??
      (await registry.problemWithSettings(definition.type, definition.settings as Record<string, unknown>));
    if (problem) throw new DomainError('VALIDATION_FAILED', problem);
    const saved = await saveChannel(context, { name, definition, source: 'api' });
    applyChanges(saved.changes, { log: c.get('log') });
    const channel = toChannelView(saved.channel, await usersOf(name));
    return c.json({ result: 200, channel, ...(saved.secret && { secret: saved.secret }) } satisfies PutChannelResponse);
  });

  app.delete(ROUTES.deleteChannel.paths[0], async (c) => {
    const { channel, changes } = await deleteChannel(context, { name: nameOf(c) });
    applyChanges(changes, { log: c.get('log') });
    return c.json({ result: 200, channel: toChannelView(channel, []) } satisfies ChannelResponse);
  });

  app.post(ROUTES.testChannel.paths[0], async (c) => {
    const name = nameOf(c);
    const channel = await findChannel(context, { name });
    if (!channel) throw channelNotFound(name);
    try {
      const answer = await deliverThroughChannel(registry, channel, testAlert(channel, randomUUID(), clock.now()), registry.context);
      return c.json({ result: 200, status: answer.status, body: answer.body } satisfies TestChannelResponse);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      c.get('log').info({ channel: name, type: channel.type, error: message }, 'channel.test_failed');
      throw new DomainError('PROVIDER_FAILED', `the test message to ${name} (${channel.type}) failed: ${message}`);
    }
  });

  return app;
}
