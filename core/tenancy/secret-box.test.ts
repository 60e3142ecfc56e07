// Secrets print as "[redacted]" everywhere, and a sealed secret opens only with its key and in its own row.
import { randomBytes } from 'node:crypto';
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SignalcastError } from '../errors';
import { Secret } from './secret';
import { SecretBox, SecretsKeyMissingError, SecretUnreadableError } from './secret-box';

const TOKEN = 'xoxb-1111-2222-abcdefABCDEF';

describe('Secret', () => {
  it('shows "[redacted]" in strings, JSON, inspect and format, and gives its value only to reveal()', () => {
    const secret = new Secret(TOKEN);
    const shown = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect(secret), inspect({ deep: { secret } }, { depth: 10, showHidden: true }), format('%s %o %O %j', secret, secret, secret, secret)];
    for (const text of shown) {
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(TOKEN);
    }
    expect(Object.keys(secret)).toEqual([]);
    expect(secret.reveal()).toBe(TOKEN);
    expect(secret.equals(new Secret(TOKEN))).toBe(true);
    expect(secret.equals(new Secret('other'))).toBe(false);
  });

  it('stays redacted inside an error built from it', () => {
    const err = new SignalcastError('unavailable', `auth.test failed with ${new Secret(TOKEN)}`);
    expect(`${err.message}\n${err.stack}`).not.toContain(TOKEN);
  });
});

describe('SecretBox', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and seals the same secret differently each time', () => {
    const box = new SecretBox(key);
    const a = box.seal(new Secret(TOKEN), 'installation teamchat:T1');
    const b = box.seal(new Secret(TOKEN), 'installation teamchat:T1');
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(TOKEN);
    expect(box.open(a, 'installation teamchat:T1').reveal()).toBe(TOKEN);
  });

  it('refuses with a typed error, never a wrong value, under another key, in another row, or altered', () => {
    const sealed = new SecretBox(key).seal(new Secret(TOKEN), 'installation teamchat:T1');
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(sealed, 'installation teamchat:T1')).toThrow(SecretUnreadableError);
    expect(() => other.open(sealed, 'installation teamchat:T1')).toThrow(/cannot be read with this SECRETS_KEY/);
    expect(() => new SecretBox(key).open(sealed, 'installation teamchat:T2')).toThrow(SecretUnreadableError);
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => new SecretBox(key).open([...parts.slice(0, 3), flipped.toString('base64url')].join('.'), 'installation teamchat:T1')).toThrow(SecretUnreadableError);
    expect(() => new SecretBox(key).open('plain-token', 'installation teamchat:T1')).toThrow(SecretUnreadableError);
  });

  it('without a key refuses to seal or open, naming the setting', () => {
    const box = new SecretBox(undefined);
    expect(box.hasKey).toBe(false);
    expect(() => box.seal(new Secret(TOKEN), 'installation teamchat:T1')).toThrow(SecretsKeyMissingError);
    expect(() => box.seal(new Secret(TOKEN), 'installation teamchat:T1')).toThrow(/needs SECRETS_KEY/);
    expect(() => box.open('v1.a.b.c', 'installation teamchat:T1')).toThrow(expect.objectContaining({ code: 'config_invalid', setting: 'SECRETS_KEY' }));
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/SECRETS_KEY must be 32 bytes \(got 16\)/);
  });
});
