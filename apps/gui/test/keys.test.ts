import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CreateKeyResponse, Heartbeat, ListKeysResponse } from '@watchtower/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, row, signIn } from './support/browser.js';
import { call, cleanUp, createDatabase, pulse, startServer, type Server } from './support/server.js';

let server: Server;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([createDatabase().then((databaseUrl) => startServer({ databaseUrl })), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cleanUp();
});

const run = promisify(execFile);
const createKey = async (name: string, scope: string) => (await call(server, 'POST', '/keys', { name, scope })) as CreateKeyResponse;
const listKeys = async () => ((await call(server, 'GET', '/keys')) as ListKeysResponse).keys;

/** Calls the API with a key, and answers the status and the body. */
async function callWith(secret: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.status, answer: (await response.json()) as { hint?: string; heartBeat?: Heartbeat } };
}

async function openKeysPage(page: Page) {
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL(/\/gui\/keys$/);
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
}

describe('the API keys page', () => {
  it('creates a key and shows its secret once: after a reload the key is listed without it', async () => {
    const page = await openPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(page, server);
    await openKeysPage(page);
    // Signing in found the password's scope without creating anything.
    await page.getByTestId('no-keys').waitFor();

    await page.getByLabel('Name').fill('grafana');
    await page.getByLabel('Scope').selectOption('read');
    expect(await page.getByTestId('scope-words').innerText()).toMatch(/^Reads everything.*cannot change anything/);
    await page.getByRole('button', { name: 'Create key' }).click();

    const created = page.getByTestId('new-key');
    await created.waitFor();
    expect(await created.innerText()).toContain('This secret is shown only now; the server keeps only its hash.');
    const secret = await page.getByRole('textbox', { name: 'Secret' }).inputValue();
    expect(secret).toMatch(/^wt_[\w-]{43}$/);
    const [stored] = await listKeys();
    expect(stored).toMatchObject({ name: 'grafana', scope: 'read', lastUsed: null });
    const listed = page.locator(`tr[data-key="${stored!.id}"]`);
    expect(await listed.locator('td[data-label="Last used"]').innerText()).toBe('never');

    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByRole('status').filter({ hasText: 'secret copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    // The curl example works as shown, with the secret as a bearer token.
    const curl = await page.getByTestId('key-curl').innerText();
    expect(curl).toBe(`curl -s ${server.url}/heartbeats -H "Authorization: Bearer ${secret}"`);
    const { stdout } = await run('sh', ['-c', curl]);
    expect(JSON.parse(stdout)).toMatchObject({ result: 200, heartBeats: [] });
    await expect.poll(async () => (await listKeys())[0]!.lastUsed).not.toBeNull();

    await page.reload();
    await listed.waitFor();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    expect(await listed.locator('th').innerText()).toContain('grafana');
    expect(await listed.locator('td[data-label="Scope"]').innerText()).toBe('read');
    expect(await listed.locator('td[data-label="Last used"]').innerText()).toMatch(/^(just now|\d+ s ago)$/);
  });

  it('names what is missing before sending anything', async () => {
    const page = await openPage(browser);
    await signIn(page, server, '/gui/keys');
    const before = await listKeys();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Name the key after who or what will use it').waitFor();
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    expect(await listKeys()).toEqual(before);
  });

  it('revokes a key after a confirmation, and the key no longer signs in', async () => {
    const { key, secret } = await createKey('old laptop', 'read');
    const page = await openPage(browser);
    await signIn(page, server, '/gui/keys');
    const listed = page.locator(`tr[data-key="${key.id}"]`);
    await listed.getByRole('button', { name: 'Revoke old laptop' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke old laptop?' });
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await listKeys()).map(({ id }) => id)).toContain(key.id);

    await listed.getByRole('button', { name: 'Revoke old laptop' }).click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await listed.waitFor({ state: 'detached' });
    expect((await listKeys()).map(({ id }) => id)).not.toContain(key.id);

    const other = await openPage(browser);
    await other.goto(`${server.url}/gui/`);
    await other.getByLabel('Password').fill(secret);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('alert').filter({ hasText: 'Wrong password or key' }).waitFor();
    expect(await other.getByRole('heading', { name: 'Heartbeats' }).count()).toBe(0);
  });
});

describe('signing in with a key', () => {
  it('shows a read key everything, and none of the changes it may not make', async () => {
    await pulse(server, 'nightly', 3_600);
    const { secret } = await createKey('wall screen', 'read');
    const page = await openPage(browser);
    await signIn(page, server, '/gui/', secret);

    await row(page, 'nightly').waitFor();
    expect(await page.getByTestId('scope').innerText()).toBe('read only');
    expect(await page.getByTestId('read-only').innerText()).toMatch(/^This key has scope read: .*needs an admin key or the password\.$/);
    expect(await page.getByRole('link', { name: 'New service' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);

    await row(page, 'nightly').getByRole('link', { name: 'nightly' }).click();
    await page.getByTestId('service-state').waitFor();
    await page.locator('.ping-urls').waitFor();
    await page.getByTestId('read-only').waitFor();
    for (const name of ['Pause', 'Delete…']) expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);

    await openKeysPage(page);
    await page.locator('tr', { hasText: 'wall screen' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
  });

  it("shows the server's refusal when a read key tries a change anyway", async () => {
    const { secret } = await createKey('auditor', 'read');
    const page = await openPage(browser);
    await signIn(page, server, '/gui/new-service', secret);
    await page.getByTestId('read-only').waitFor();
    await page.getByLabel('Name').fill('sneaky');
    await page.getByLabel('Period', { exact: true }).fill('1h');
    await page.getByRole('button', { name: 'Create service' }).click();

    const refused = await callWith(secret, 'PUT', '/heartbeat/sneaky', { period: 3_600 });
    expect(refused.status).toBe(403);
    expect(refused.answer.hint).toBe('this key has scope read; PUT /heartbeat/:service needs an admin key');
    const message = page.getByTestId('form-message').filter({ hasText: refused.answer.hint! });
    await message.waitFor();
    expect(await message.innerText()).toBe(`Could not save: ${refused.answer.hint}.`);
    expect((await callWith(secret, 'GET', '/heartbeat/sneaky')).status).toBe(404);
  });

  it('tells a pulse key that the dashboard needs a read or admin key', async () => {
    const { secret } = await createKey('backup host', 'pulse');
    const page = await openPage(browser);
    await page.goto(`${server.url}/gui/`);
    await page.getByLabel('Password').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe('Cannot sign in: this key has scope pulse; the dashboard needs a read or admin key.');
    expect(await page.getByRole('heading', { name: 'Heartbeats' }).count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('offers every change to an admin key, as to the password', async () => {
    const { secret } = await createKey('deploy bot', 'admin');
    const page = await openPage(browser);
    await signIn(page, server, '/gui/keys', secret);
    await page.getByRole('button', { name: 'Create key' }).waitFor();
    expect(await page.getByTestId('scope').count()).toBe(0);
    await page.getByRole('link', { name: 'Heartbeats' }).click();
    await page.getByRole('link', { name: 'New service' }).waitFor();
    expect(await page.getByTestId('read-only').count()).toBe(0);
  });

  it('asks to sign in again when the key of an open tab is revoked', async () => {
    const { key, secret } = await createKey('kiosk', 'read');
    const page = await openPage(browser);
    await signIn(page, server, '/gui/', secret);
    await call(server, 'DELETE', `/keys/${key.id}`);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'The password or key was refused' }).waitFor();
    await page.getByLabel('Password').waitFor();
  });
});
