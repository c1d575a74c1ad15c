import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelView, CreateKeyResponse, GetHeartbeatResponse, ListChannelsResponse } from '@watchtower/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, row as boardRow, signIn } from './support/browser.js';
import { call, cleanUp, createDatabase, startServer, type Server } from './support/server.js';

/** A provider on loopback that records what it receives and answers 200 "ok", as Slack does (500 below /fail). */
interface Receiver {
  url: string;
  requests: Array<{ path: string; body: string; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server: HttpServer = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      requests.push({ path: request.url ?? '', body, headers: request.headers });
      const failing = request.url?.startsWith('/fail') ?? false;
      response.writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' }).end(failing ? 'no' : 'ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

let server: Server;
let configured: Server;
let browser: Browser;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  // Channels that point at this machine are allowed here only: the receiver is on loopback.
  const env = { WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1' };
  [server, configured, browser] = await Promise.all([
    createDatabase().then((databaseUrl) => startServer({ databaseUrl, env })),
    createDatabase().then((databaseUrl) =>
      startServer({ databaseUrl, env, config: { channels: { pager: { type: 'log', label: 'pager' } } } }),
    ),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await configured?.stop();
  await receiver?.close();
  await cleanUp();
});

const listChannels = async (on = server) => ((await call(on, 'GET', '/channels')) as ListChannelsResponse).channels;
const channel = async (name: string): Promise<ChannelView | undefined> => (await listChannels()).find((one) => one.name === name);
const rowOf = (page: Page, name: string) => page.locator(`tr[data-channel="${name}"]`);

async function openChannels(page: Page, on = server) {
  await signIn(page, on);
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Channels' }).click();
  await page.waitForURL(/\/gui\/channels$/);
  await page.getByRole('heading', { level: 1, name: 'Channels' }).waitFor();
}

/** Fills the new-channel form and submits it. */
async function createChannel(page: Page, name: string, type: string, settings: Record<string, string>) {
  await page.getByRole('button', { name: 'New channel' }).click();
  const form = page.locator('form.channel-form');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Type').selectOption(type);
  for (const [label, value] of Object.entries(settings)) await form.getByLabel(label, { exact: false }).first().fill(value);
  await form.getByRole('button', { name: 'Create channel' }).click();
}

describe('the channels page', () => {
  it('explains what channels are while there is none', async () => {
    const page = await openPage(browser);
    await openChannels(page);
    const empty = page.getByTestId('no-channels');
    await empty.waitFor();
    expect(await empty.innerText()).toContain('No channel yet.');
    expect(await page.locator('.page-head').innerText()).toContain('A channel is a named place alerts go to');
  });

  it('creates a webhook channel and shows its signing secret once', async () => {
    const page = await openPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await openChannels(page);
    await createChannel(page, 'hooks', 'webhook', { URL: `${receiver.url}/hook` });

    const dialog = page.getByRole('dialog', { name: 'Signing secret of hooks' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('This secret is shown only now.');
    const secret = await dialog.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    await dialog.getByRole('button', { name: 'Copy signing secret' }).click();
    await page.getByRole('status').filter({ hasText: 'signing secret copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await dialog.getByRole('button', { name: 'Done: hide the secret' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = rowOf(page, 'hooks');
    expect(await row.locator('td[data-label="Type"]').innerText()).toBe('webhook');
    expect(await row.locator('td[data-label="Source"]').innerText()).toBe('api');
    expect(await row.locator('td[data-label="Settings"]').innerText()).toBe(`url ${receiver.url}/hook`);
    expect(await row.locator('td[data-label="Secrets"]').innerText()).toBe('secret set');
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await channel('hooks')).toMatchObject({ type: 'webhook', settings: { url: `${receiver.url}/hook` }, secrets: ['secret'] });
  });

  it('creates a Slack channel, and "send test" reaches the provider and shows its answer', async () => {
    const page = await openPage(browser);
    await openChannels(page);
    await createChannel(page, 'team', 'slack', { URL: `${receiver.url}/slack/team` });
    const row = rowOf(page, 'team');
    await row.waitFor();
    // A Slack URL is its own credential: listed as set, never shown.
    expect(await row.locator('td[data-label="Secrets"]').innerText()).toBe('url set');
    expect(await row.innerText()).not.toContain('/slack/team');

    const before = receiver.requests.length;
    await row.getByRole('button', { name: 'Send a test to team' }).click();
    const result = row.getByTestId('test-result');
    await result.filter({ hasText: 'The provider answered 200' }).waitFor();
    // The server keeps no words of a provider on a private address, loopback included: the status alone.
    expect(await result.innerText()).toBe('The provider answered 200 with an empty body.');
    const sent = receiver.requests.slice(before).find((request) => request.path === '/slack/team');
    expect(JSON.parse(sent!.body)).toMatchObject({ text: expect.stringContaining('A test message to the channel team') });
  });

  it('says why a test failed, in the server’s words', async () => {
    await call(server, 'PUT', '/channels/broken', { type: 'slack', url: `${receiver.url}/fail/slack` });
    const page = await openPage(browser);
    await openChannels(page);
    const row = rowOf(page, 'broken');
    await row.getByRole('button', { name: 'Send a test to broken' }).click();
    const result = row.getByTestId('test-result');
    await result.filter({ hasText: 'The test failed' }).waitFor();
    expect(await result.innerText()).toMatch(
      /^The test failed: the test message to broken \(slack\) failed: 127\.0\.0\.1:\d+ answered 500$/,
    );
  });

  it('edits a channel: a stored secret is kept when left empty, a setting and a template change', async () => {
    const page = await openPage(browser);
    await openChannels(page);
    await rowOf(page, 'team').getByRole('button', { name: 'Edit team' }).click();
    const form = page.locator('form.channel-form');
    const url = form.getByLabel('URL');
    expect(await url.getAttribute('type')).toBe('password');
    expect(await url.inputValue()).toBe('');
    expect(await url.getAttribute('placeholder')).toBe('set — leave empty to keep');
    expect(await form.getByLabel('Type').isDisabled()).toBe(true);
    await form.getByText('Message templates').click();
    expect(await form.getByTestId('variables-failed').innerText()).toContain('{{exitCode}}');
    await form.getByLabel('down title').fill('{{service}} is down since {{since}}');
    await form.getByRole('button', { name: 'Save channel' }).click();
    await form.waitFor({ state: 'detached' });
    expect(await channel('team')).toMatchObject({
      secrets: ['url'],
      templates: { down: { title: '{{service}} is down since {{since}}' } },
    });
    // The stored URL still works.
    await rowOf(page, 'team').getByRole('button', { name: 'Send a test to team' }).click();
    await rowOf(page, 'team').getByTestId('test-result').filter({ hasText: 'The provider answered 200' }).waitFor();

    await rowOf(page, 'hooks').getByRole('button', { name: 'Edit hooks' }).click();
    await form.getByLabel('URL').fill(`${receiver.url}/hook2`);
    await form.getByRole('button', { name: 'Save channel' }).click();
    await rowOf(page, 'hooks').locator('td[data-label="Settings"]').filter({ hasText: '/hook2' }).waitFor();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    expect((await channel('hooks'))?.settings).toEqual({ url: `${receiver.url}/hook2` });
  });

  it('shows the server’s refusal of a bad URL beside the form', async () => {
    const page = await openPage(browser);
    await openChannels(page);
    await createChannel(page, 'bad', 'slack', { URL: 'ftp://example.com/hook' });
    const message = page.getByTestId('channel-form-message');
    await message.waitFor();
    expect(await message.innerText()).toMatch(/^The server refused it: url must be the Slack incoming webhook URL .*; received a ftp URL$/);
    expect(await page.locator('form.channel-form').getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
    expect(await channel('bad')).toBeUndefined();
  });

  it('does not replace a channel by creating another of the same name', async () => {
    const page = await openPage(browser);
    await openChannels(page);
    await createChannel(page, 'hooks', 'slack', { URL: `${receiver.url}/slack/other` });
    const message = page.getByTestId('channel-form-message');
    await message.waitFor();
    expect(await message.innerText()).toBe('A channel named hooks exists already.');
    expect(await page.locator('form.channel-form').getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect((await channel('hooks'))?.type).toBe('webhook');
  });

  it('puts a service through the form with two named channels, and shows them on its page', async () => {
    const page = await openPage(browser);
    await signIn(page, server, '/gui/new-service');
    await page.getByLabel('Name', { exact: true }).fill('db-backup');
    await page.getByRole('checkbox', { name: 'team' }).check();
    await page.getByRole('checkbox', { name: 'hooks' }).check();
    expect(await page.getByLabel('Alert type').locator('option:checked').innerText()).toBe('none: the named channels only');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.waitForURL(/\/gui\/services\/db-backup$/);
    const listed = page.getByTestId('service-channels');
    await listed.getByRole('link', { name: 'team' }).waitFor();
    expect(await listed.getByRole('link').allInnerTexts()).toEqual(['team', 'hooks']);
    expect(await page.getByTestId('service-alerts-to').innerText()).toBe('its channels only');
    const { heartBeat } = (await call(server, 'GET', '/heartbeat/db-backup')) as GetHeartbeatResponse;
    expect(heartBeat).toMatchObject({ alertType: '', alertTarget: '', channels: ['team', 'hooks'] });

    await listed.getByRole('link', { name: 'team' }).click();
    await page.waitForURL(/\/gui\/channels#channel-team$/);
    expect(await rowOf(page, 'team').locator('td[data-label="Used by"]').innerText()).toBe('db-backup');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Heartbeats' }).click();
    const onBoard = boardRow(page, 'db-backup').locator('td[data-label="Alerts to"]');
    await onBoard.waitFor();
    expect((await onBoard.innerText()).trim()).toBe('team, hooks');
  });

  it('refuses to delete a channel a service uses, in the server’s words, then deletes it once unused', async () => {
    await call(server, 'PUT', '/heartbeat/web', { channels: ['team'], nextIn: 60 });
    const page = await openPage(browser);
    await openChannels(page);
    const row = rowOf(page, 'team');
    await row.getByRole('button', { name: 'Delete team' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete team?' });
    await dialog.getByRole('button', { name: 'Delete channel' }).click();
    const refusal = dialog.getByTestId('delete-error');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/^The server refused: channel team is still used by 2 services: .*"db-backup".*"web"/);
    await dialog.getByRole('button', { name: 'Keep it' }).click();

    // The service form unticks it.
    await page.goto(`${server.url}/gui/services/web/edit`);
    await page.getByRole('checkbox', { name: 'team' }).uncheck();
    await page.getByRole('checkbox', { name: 'hooks' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/gui\/services\/web$/);
    await call(server, 'PATCH', '/heartbeat/db-backup', { channels: ['hooks'] });

    await page.goto(`${server.url}/gui/channels`);
    await row.getByRole('button', { name: 'Delete team' }).click();
    await dialog.getByRole('button', { name: 'Delete channel' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await channel('team')).toBeUndefined();
  });

  it('shows a read key the list without any control', async () => {
    const { secret } = (await call(server, 'POST', '/keys', { name: 'viewer', scope: 'read' })) as CreateKeyResponse;
    const page = await openPage(browser);
    await signIn(page, server, '/gui/channels', secret);
    await rowOf(page, 'hooks').waitFor();
    expect(await page.getByTestId('read-only').innerText()).toContain('This key has scope read');
    expect(await page.getByRole('button', { name: 'New channel' }).count()).toBe(0);
    expect(await rowOf(page, 'hooks').getByRole('button').count()).toBe(0);
  });

  it('lists a channel of the config file, which can be tested but not edited nor deleted', async () => {
    const page = await openPage(browser);
    await openChannels(page, configured);
    const row = rowOf(page, 'pager');
    await row.waitFor();
    expect(await row.locator('td[data-label="Source"]').innerText()).toBe('config file');
    expect(await row.innerText()).toContain('Defined in the server’s config file: change or remove it there.');
    expect(await row.getByRole('button', { name: 'Edit pager' }).isDisabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Delete pager' }).isDisabled()).toBe(true);
    await row.getByRole('button', { name: 'Send a test to pager' }).click();
    await row.getByTestId('test-result').filter({ hasText: 'The provider answered' }).waitFor();
    expect((await listChannels(configured)).map(({ name }) => name)).toEqual(['pager']);
  });
});
