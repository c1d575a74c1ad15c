import { describe, expect, it } from 'vitest';
import { checkSettingText, checkSettingUrl, urlOfSetting } from './setting-url.js';

const anyAddress = { checkAddress: async () => {} };

describe('checkSettingUrl', () => {
  it('names the channel type and the field that is wrong', async () => {
    expect(await checkSettingUrl('teams', 'url', 'not a url', anyAddress)).toBe(
      `a teams channel's url must be an http(s) URL; received "not a url"`,
    );
    expect(await checkSettingUrl('opsgenie', 'apiUrl', 42, anyAddress)).toBe('an opsgenie channel needs apiUrl, an http(s) URL');
    expect(await checkSettingUrl('matrix', 'homeserver', 'https://bob:pw@m.example', anyAddress)).toBe(
      "a matrix channel's homeserver must not carry a user name or password",
    );
    expect(await checkSettingUrl('matrix', 'homeserver', 'https://m.example', anyAddress)).toBeNull();
  });
});

describe('checkSettingText', () => {
  it('asks for a missing value and says what a wrong one should be', () => {
    expect(checkSettingText('matrix', 'token', '  ')).toBe('a matrix channel needs token');
    expect(checkSettingText('pagerduty', 'routingKey', 'x', { test: /^y$/, says: 'must be y' })).toBe(
      "a pagerduty channel's routingKey must be y",
    );
  });
});

describe('urlOfSetting', () => {
  it('makes a base end in a slash, keeping its path and dropping nothing else', () => {
    expect(urlOfSetting('matrix', 'homeserver', 'https://m.example/prefix', { asBase: true }).href).toBe('https://m.example/prefix/');
    expect(urlOfSetting('teams', 'url', 'https://t.example/hook?sig=1').href).toBe('https://t.example/hook?sig=1');
  });

  it('turns a setting that no longer parses into a permanent delivery failure', () => {
    expect(() => urlOfSetting('teams', 'url', 'nope')).toThrow(
      expect.objectContaining({ name: 'DeliveryError', permanent: true, message: `a teams channel's url is not a URL: "nope"` }),
    );
  });
});
