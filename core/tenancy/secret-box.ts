// Sealing secrets for storage: AES-256-GCM under the SECRETS_KEY setting, bound to the row they belong to.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SignalcastError } from '../errors';
import { Secret } from './secret';

/** The setting that holds the key; named in every error about it. */
export const SECRETS_KEY_SETTING = 'SECRETS_KEY';

/** Bytes in a key: AES-256. */
export const SECRETS_KEY_BYTES = 32;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** No SECRETS_KEY is set, so a secret cannot be stored or read; nothing was written. */
export class SecretsKeyMissingError extends SignalcastError {
  readonly setting = SECRETS_KEY_SETTING;

  constructor(what: string) {
    super('config_invalid', `${what} needs ${SECRETS_KEY_SETTING} (32 random bytes, e.g. from \`openssl rand -base64 32\`): secrets are stored only encrypted`);
    this.name = 'SecretsKeyMissingError';
  }
}

/** A stored secret that this key cannot open: sealed under another SECRETS_KEY, or altered. Never a wrong value. */
export class SecretUnreadableError extends SignalcastError {
  readonly setting = SECRETS_KEY_SETTING;

  constructor(context: string, why: string) {
    super('config_invalid', `the stored secret of ${context} cannot be read with this ${SECRETS_KEY_SETTING} (${why}); it was stored under another key, or altered`);
    this.name = 'SecretUnreadableError';
  }
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/**
 * Seals and opens secrets with one 32-byte key. Each seal has a fresh random IV; `context` (e.g.
 * "installation slack:T1") is authenticated with it, so a sealed value copied to another row does
 * not open there. Sealed form: "v1.<iv>.<tag>.<ciphertext>", base64url.
 */
export class SecretBox {
  readonly #key: Buffer | undefined;

  /** `key` undefined: every seal and open throws SecretsKeyMissingError. */
  constructor(key: Uint8Array | undefined) {
    if (key !== undefined && key.length !== SECRETS_KEY_BYTES) {
      throw new SignalcastError('config_invalid', `${SECRETS_KEY_SETTING} must be ${SECRETS_KEY_BYTES} bytes (got ${key.length})`);
    }
    this.#key = key === undefined ? undefined : Buffer.from(key);
  }

  /** Whether a key is set, so that secrets can be stored. */
  get hasKey(): boolean {
    return this.#key !== undefined;
  }

  seal(secret: Secret, context: string): string {
    const key = this.requireKey(`storing the secret of ${context}`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(secret.reveal(), 'utf8'), cipher.final()]);
    return [VERSION, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
  }

  open(sealed: string, context: string): Secret {
    const key = this.requireKey(`reading the secret of ${context}`);
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretUnreadableError(context, 'not a sealed value this version knows');
    const [iv, tag, body] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
    if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) throw new SecretUnreadableError(context, 'malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv!);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag!);
      return new Secret(Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8'));
    } catch {
      // The cause (OpenSSL's "unable to authenticate data") says nothing more, and carries nothing secret.
      throw new SecretUnreadableError(context, 'authentication failed');
    }
  }

  private requireKey(what: string): Buffer {
    if (!this.#key) throw new SecretsKeyMissingError(what);
    return this.#key;
  }
}
