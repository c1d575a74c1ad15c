import { describe, expect, it } from 'vitest';
import { checkSecret, checkSettingText, checkSettingUrl, urlBelow, urlOfSetting } from './setting-url.js';

const anyAddress = { checkAddress: async () => {} };

describe('checkSettingUrl', () => {
  it('names the field that is wrong and what it should be', async () => {
    expect(await checkSettingUrl('url', 'not a url', anyAddress)).toBe(`url must be an http(s) URL; received "not a url"`);
    expect(await checkSettingUrl('url', 'ftp://t.example', anyAddress, 'https://t.example/hook')).toBe(
      'url must be an http(s) URL such as https://t.example/hook; received a ftp URL',
    );
    expect(await checkSettingUrl('apiUrl', 42, anyAddress)).toBe('apiUrl is required: an http(s) URL');
    expect(await checkSettingUrl('homeserver', 'https://bob:pw@m.example', anyAddress)).toBe(
      'homeserver must not carry a user name or password',
    );
    expect(await checkSettingUrl('homeserver', 'https://m.example', anyAddress)).toBeNull();
  });

  it('passes on why the address may not be reached', async () => {
    const refusing = {
      checkAddress: async (url: URL) => {
        throw new Error(`${url.hostname} is a private or reserved address (loopback)`);
      },
    };
    expect(await checkSettingUrl('url', 'http://127.0.0.1/hook', refusing)).toBe(
      'url: 127.0.0.1 is a private or reserved address (loopback)',
    );
  });
});

describe('checkSettingText and checkSecret', () => {
  it('asks for a missing value and says what a wrong one should be', () => {
    expect(checkSettingText('token', '  ')).toBe('token is required');
    expect(checkSettingText('routingKey', 'x', { test: /^y$/, says: 'must be y' })).toBe('routingKey must be y');
    expect(checkSecret('token', '')).toBe('token is required');
    expect(checkSecret('token', 'Ahr Q0uUP3j0Eiuk')).toBe('token must not contain spaces or control characters');
    expect(checkSecret('token', 'AhrQ0uUP3j0Eiuk')).toBeNull();
  });
});

describe('urlOfSetting and urlBelow', () => {
  it('makes a base end in a slash, keeping its path and dropping nothing else', () => {
    expect(urlOfSetting('matrix', 'homeserver', 'https://m.example/prefix', { asBase: true }).href).toBe('https://m.example/prefix/');
    expect(urlOfSetting('teams', 'url', 'https://t.example/hook?sig=1').href).toBe('https://t.example/hook?sig=1');
  });

  it('appends a path below the base, with or without its trailing slash, a colon in it being no scheme', () => {
    expect(urlBelow('gotify', 'url', 'https://example.com/gotify/', 'message').href).toBe('https://example.com/gotify/message');
    expect(urlBelow('gotify', 'url', 'https://example.com/gotify', 'message').href).toBe('https://example.com/gotify/message');
    expect(urlBelow('gotify', 'url', 'https://example.com', 'message').href).toBe('https://example.com/message');
    expect(urlBelow('telegram', 'apiUrl', 'https://api.telegram.org', 'bot1:AA/sendMessage').href).toBe(
      'https://api.telegram.org/bot1:AA/sendMessage',
    );
  });

  it('turns a setting that no longer parses into a permanent delivery failure', () => {
    expect(() => urlOfSetting('teams', 'url', 'nope')).toThrow(
      expect.objectContaining({ name: 'DeliveryError', permanent: true, message: `a teams channel's url is not a URL: "nope"` }),
    );
  });
});
