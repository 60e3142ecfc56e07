// The CLI beside a running sandbox: access and billing reach its emulators (data/sandbox.json) when no real token or key is set.
import type { CliContext } from '../cli/program';
import { CliError, EXIT, type CliIo } from '../cli/io';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { readSandboxState, sandboxStatePath, shownPath, withSandboxEmulators, type RunningSandbox } from '../sandbox/state-file';
import { createContext } from './context';

/** Builds a context for these settings (app/context.ts's createContext, or a test's). */
export type ContextFactory = (config: Config, db: Db) => CliContext;

/**
 * The CLI's context. Without TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN (in sandbox mode) or STRIPE_SECRET_KEY, `access` and
 * `billing` use the emulators of the sandbox that `npm start` runs on the same data folder, saying so
 * on stderr; with no sandbox running they refuse with what to do. Nothing is read until a command
 * asks for access or billing, so other commands never mention the sandbox.
 */
export function createCliContext(config: Config, db: Db, io: CliIo, factory: ContextFactory = createContext): CliContext {
  const base = factory(config, db);
  // Sandbox mode is "no platform token", so the chat emulators are wanted together.
  const wantsChats = config.sandbox && (!config.telegram.token || !config.discord.token);
  const wantsStripe = !config.stripe.secretKey;
  if (!wantsChats && !wantsStripe) return base;
  let resolved: CliContext | undefined;
  const resolve = (): CliContext => (resolved ??= withRunningSandbox(config, db, io, base, factory, { wantsChats, wantsStripe }));
  const context = Object.create(base) as CliContext;
  Object.defineProperty(context, 'access', { get: () => resolve().access, enumerable: true });
  Object.defineProperty(context, 'billing', { get: () => resolve().billing, enumerable: true });
  return context;
}

function withRunningSandbox(config: Config, db: Db, io: CliIo, base: CliContext, factory: ContextFactory, wants: { wantsChats: boolean; wantsStripe: boolean }): CliContext {
  const path = sandboxStatePath(config);
  const found: RunningSandbox = path ? readSandboxState(path) : { running: false, path: '', why: 'the database is in memory, so no sandbox shares it' };
  if (!found.running) {
    const refuse = (command: string, setting: string) => () =>
      Promise.reject(new CliError(`${command}: ${found.why}: start the service first (npm start) or set ${setting}`, EXIT.config));
    const refusing = Object.create(base) as CliContext;
    refusing.access = wants.wantsChats ? { reconcile: refuse('access reconcile', 'TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN') } : base.access;
    refusing.billing = wants.wantsStripe ? { reconcile: refuse('billing reconcile', 'STRIPE_SECRET_KEY') } : base.billing;
    return refusing;
  }
  const { config: filled, used } = withSandboxEmulators(config, found.state);
  if (used.length === 0) return base;
  io.err(`using the running sandbox's emulators (${shownPath(found.path)})`);
  return factory(filled, db);
}
