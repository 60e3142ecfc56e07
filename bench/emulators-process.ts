// The outside world for the benchmark's service: Telegram and Stripe emulators in a child process of their own, over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RateWindow } from '../core/delivery/chat-platform';
import type { DiscordStart, DiscordSummary, PaymentTimeline } from './discord-child';

/** What the Telegram emulator saw of sendMessage, computed in the child. */
export interface SendSummary {
  /** sendMessage requests that reached it. */
  requests: number;
  /** Arrival times of the accepted ones, ascending. */
  acceptedAt: number[];
  /** Accepted messages per chat id. */
  perChat: [chatId: number, messages: number][];
  /** The emulator's own counts: accepted, rateLimited (by its limits), injectedRateLimited, violations (inside a retry_after). */
  stats: { accepted: number; rateLimited: number; injectedRateLimited: number; violations: number };
  /** CPU the child has used since it started, in ms. */
  cpuMs: number;
}

export interface EmulatorsStart {
  type: 'start';
  /** Telegram's flood limits; the emulator's defaults (Telegram's) when absent. */
  telegramLimits?: Partial<Record<'overall' | 'perChat' | 'perGroup' | 'paidBroadcast', RateWindow>>;
  /** Answer this share of sendMessage calls with 429 retry_after, from a seeded random source. */
  inject429?: { rate: number; retryAfterSeconds: number; seed: number };
  /** The plans file the service runs with (default bench/plans.yaml). */
  plansFile?: string;
  /** Discord instead of Telegram: the Discord emulator with its gateway and the bench's server. */
  discord?: DiscordStart;
}

export type EmulatorCommand =
  | EmulatorsStart
  | { type: 'addTelegramUsers'; ids: number[] }
  | { type: 'summary' }
  /** For each id, when the first accepted sendMessage whose text has a line equal to it arrived (ms since the epoch). */
  | { type: 'firstSends'; ids: string[] }
  | { type: 'discordMembers'; count: number }
  | { type: 'setWebhookUrl'; url: string }
  | { type: 'pay'; sessions: [userId: string, sessionId: string][] }
  | { type: 'timelines'; userIds: string[] }
  | { type: 'discordSummary' }
  | { type: 'stop' };

export type EmulatorReply =
  | {
      type: 'started';
      telegram?: { apiRoot: string; token: string };
      discord?: { apiUrl: string; token: string };
      stripe: { url: string; secretKey: string; webhookSecret: string };
    }
  | { type: 'summary'; summary: SendSummary }
  | { type: 'ids'; ids: string[] }
  | { type: 'firstSends'; firstAt: [id: string, at: number][]; accepted: number[] }
  | { type: 'timelines'; timelines: PaymentTimeline[] }
  | { type: 'discordSummary'; summary: DiscordSummary }
  | { type: 'done' };

export interface EmulatorsProcess {
  readonly pid: number;
  /** Settings that point the service's Telegram bot and Stripe client here instead of at in-process sandbox emulators. */
  readonly serviceEnv: Record<string, string>;
  /** Users who have started the bot, so that it may write to them. */
  addTelegramUsers(ids: number[]): Promise<void>;
  telegramSummary(): Promise<SendSummary>;
  /** Sends a command and returns the answer (the Discord scenarios' commands). */
  ask(command: EmulatorCommand): Promise<EmulatorReply>;
  stop(): Promise<void>;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'emulators-child.ts');
/** The plans the bench's service runs with (the built-in ones, VIP gating a channel); the emulators make its channel. */
export const BENCH_PLANS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'plans.yaml');
const TSX = createRequire(import.meta.url).resolve('tsx');

/**
 * Forks the child and starts the Telegram emulator (with the plans' private
 * channels, as the sandbox makes them), or with `discord` the Discord emulator
 * (its gateway and the bench's server), and the Stripe emulator (with the plans'
 * prices). The service then runs as in production, with no emulator in its process.
 */
export async function startEmulatorsProcess(start: Omit<EmulatorsStart, 'type'> = {}): Promise<EmulatorsProcess> {
  const child: ChildProcess = fork(CHILD, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: EmulatorReply) => void; reject: (e: Error) => void }>();
  child.on('message', (message: { id: number; reply?: EmulatorReply; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`emulators: ${message.error}`));
    else if (message.reply) waiter?.resolve(message.reply);
  });
  child.on('exit', (code) => {
    for (const w of pending.values()) w.reject(new Error(`the emulators process ended (code ${code})`));
    pending.clear();
  });
  const ask = (command: EmulatorCommand): Promise<EmulatorReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, command });
    });

  const started = await ask({ type: 'start', ...start });
  if (started.type !== 'started') throw new Error('the emulators did not start');
  return {
    pid: child.pid as number,
    serviceEnv: {
      ...(started.telegram ? { TELEGRAM_BOT_TOKEN: started.telegram.token, TELEGRAM_API_ROOT: started.telegram.apiRoot } : {}),
      ...(started.discord ? { DISCORD_BOT_TOKEN: started.discord.token, DISCORD_API_URL: started.discord.apiUrl } : {}),
      STRIPE_SECRET_KEY: started.stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: started.stripe.webhookSecret,
      STRIPE_API_BASE: started.stripe.url,
      PLANS_FILE: start.plansFile ?? BENCH_PLANS_FILE,
    },
    ask,
    addTelegramUsers: async (ids) => {
      await ask({ type: 'addTelegramUsers', ids });
    },
    telegramSummary: async () => {
      const reply = await ask({ type: 'summary' });
      if (reply.type !== 'summary') throw new Error('unexpected answer from the emulators process');
      return reply.summary;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask({ type: 'stop' }).catch(() => undefined);
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
