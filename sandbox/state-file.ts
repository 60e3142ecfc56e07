// The running sandbox's emulators (addresses and credentials) in data/sandbox.json, so that the CLI can reach them.
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import { toSqlitePath } from '../db/client';

const fileSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  telegram: z.object({ token: z.string().min(1), apiRoot: z.string().url() }).nullable(),
  // Absent in a file written before the sandbox emulated Discord.
  discord: z.object({ token: z.string().min(1), apiUrl: z.string().url() }).nullable().default(null),
  // Absent in a file written before the sandbox emulated Slack.
  slack: z.object({
    apiUrl: z.string().url(), authorizeUrl: z.string().url(), signingSecret: z.string().min(1), clientId: z.string().min(1), clientSecret: z.string().min(1),
    /** The service's address the OAuth redirect goes to (PUBLIC_URL, or the sandbox's own). */
    publicUrl: z.string().url(),
  }).nullable().default(null),
  stripe: z.object({ secretKey: z.string().min(1), apiBase: z.string().url(), webhookSecret: z.string().min(1) }).nullable(),
  // Absent in a file written before the sandbox emulated OpenAI.
  openai: z.object({ apiKey: z.string().min(1), baseUrl: z.string().url() }).nullable().default(null),
  console: z.string().nullable(),
});

/** `sandbox-secrets.key` beside the database, the sandbox's SECRETS_KEY when none is set (sandbox/secrets-key.ts makes it); null for an in-memory database. */
export function sandboxKeyPath(config: Pick<Config, 'databaseUrl'>): string | null {
  const db = toSqlitePath(config.databaseUrl);
  return db === ':memory:' ? null : join(dirname(resolve(db)), 'sandbox-secrets.key');
}

/** The 32-byte key in that file (base64), or undefined when there is none or it holds no such key. */
export function readSandboxKey(path: string): Uint8Array | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  return bytes.length === 32 ? new Uint8Array(bytes) : undefined;
}

/** What the sandbox writes: the process that runs it, and how to reach each emulator it started. */
export type SandboxStateFile = z.input<typeof fileSchema>;

/** What the CLI finds: the running sandbox, or why there is none. */
export type RunningSandbox =
  | { running: true; path: string; state: SandboxStateFile }
  | { running: false; path: string; why: string };

/** `sandbox.json` in the database's folder (`data/` by default); null for an in-memory database. */
export function sandboxStatePath(config: Pick<Config, 'databaseUrl'>): string | null {
  const db = toSqlitePath(config.databaseUrl);
  return db === ':memory:' ? null : join(dirname(resolve(db)), 'sandbox.json');
}

/** The path as a person would type it from here ("data/sandbox.json"). */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Writes the file readable by its owner only (0600), whole or not at all. */
export function writeSandboxState(path: string, state: SandboxStateFile): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Removes the file if this process wrote it (another sandbox may have started on the same folder since). */
export function removeSandboxState(path: string, pid = process.pid): void {
  try {
    const written = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    if (written.pid === pid) rmSync(path, { force: true });
  } catch {
    // Gone already, or not ours to read: nothing to remove.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the file and checks that the process that wrote it still runs. */
export function readSandboxState(path: string): RunningSandbox {
  if (!existsSync(path)) return { running: false, path, why: `no sandbox is running (there is no ${shownPath(path)})` };
  let parsed: z.infer<typeof fileSchema>;
  try {
    const result = fileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!result.success) return { running: false, path, why: `${shownPath(path)} is not a sandbox state file` };
    parsed = result.data;
  } catch {
    return { running: false, path, why: `${shownPath(path)} cannot be read` };
  }
  if (!isAlive(parsed.pid)) return { running: false, path, why: `the sandbox that wrote ${shownPath(path)} (process ${parsed.pid}) is not running any more` };
  return { running: true, path, state: parsed };
}

/**
 * The settings with the running sandbox's emulators filled in where no real platform token or
 * Stripe key is set: what the service itself runs with. `used` says which emulators were filled in.
 */
export function withSandboxEmulators(config: Config, state: SandboxStateFile): { config: Config; used: ('telegram' | 'discord' | 'slack' | 'stripe')[] } {
  let next = config;
  const used: ('telegram' | 'discord' | 'slack' | 'stripe')[] = [];
  if (!config.telegram.token && config.sandbox && state.telegram) {
    next = { ...next, telegram: { ...next.telegram, token: state.telegram.token, apiRoot: state.telegram.apiRoot } };
    used.push('telegram');
  }
  if (!config.discord.token && config.sandbox && state.discord) {
    next = { ...next, discord: { ...next.discord, token: state.discord.token, apiUrl: state.discord.apiUrl } };
    used.push('discord');
  }
  if (!config.slack.botToken && !config.slack.clientId && config.sandbox && state.slack) {
    const { apiUrl, authorizeUrl, signingSecret, clientId, clientSecret, publicUrl } = state.slack;
    next = { ...next, publicUrl: next.publicUrl ?? publicUrl, slack: { ...next.slack, apiUrl, authorizeUrl, signingSecret, clientId, clientSecret } };
    // The installations' tokens are sealed with the sandbox's own key when SECRETS_KEY is not set.
    const keyPath = sandboxKeyPath(config);
    const key = !next.secretsKey && keyPath ? readSandboxKey(keyPath) : undefined;
    if (key) next = { ...next, secretsKey: key };
    used.push('slack');
  }
  if (!config.stripe.secretKey && state.stripe) {
    next = { ...next, stripe: { secretKey: state.stripe.secretKey, apiBase: state.stripe.apiBase, webhookSecret: state.stripe.webhookSecret } };
    used.push('stripe');
  }
  return { config: next, used };
}
