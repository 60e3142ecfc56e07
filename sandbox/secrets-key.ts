// The sandbox's SECRETS_KEY when none is set: Slack installs store their bot tokens sealed, so the
// sandbox keeps a key of its own beside the database (0600), made once, the same across restarts.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config';
import { SECRETS_KEY_BYTES } from '../core/tenancy/secret-box';
import { readSandboxKey, sandboxKeyPath } from './state-file';


/**
 * The key to seal installations with in the sandbox: SECRETS_KEY when set; else the one kept beside
 * the database (made, 32 random bytes, readable by its owner only, on first use); else, for an
 * in-memory database or without `persist` (a test's sandbox), a fresh one. The key is never logged.
 */
export function sandboxSecretsKey(config: Pick<Config, 'databaseUrl' | 'secretsKey'>, options: { persist?: boolean } = {}): { key: Uint8Array; source: 'setting' | 'file' | 'new-file' | 'memory'; path: string | null } {
  if (config.secretsKey) return { key: config.secretsKey, source: 'setting', path: null };
  const path = options.persist === false ? null : sandboxKeyPath(config);
  if (!path) return { key: new Uint8Array(randomBytes(SECRETS_KEY_BYTES)), source: 'memory', path: null };
  if (existsSync(path)) {
    const key = readSandboxKey(path);
    if (!key) throw new Error(`${path} does not hold a ${SECRETS_KEY_BYTES}-byte key (base64): remove it to make a new one (installations sealed with it are lost)`);
    return { key, source: 'file', path };
  }
  const key = randomBytes(SECRETS_KEY_BYTES);
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
  return { key: new Uint8Array(key), source: 'new-file', path };
}
