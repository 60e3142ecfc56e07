// Runs the Telegram emulator in a child process (so it does not share a core with the engine) and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RateWindow } from '../core/delivery/chat-platform';

/** What the emulator saw of the sends, computed in the child. */
export interface SendSummary {
  /** sendMessage requests that reached it. */
  requests: number;
  /** Arrival times of the accepted ones, ascending. */
  acceptedAt: number[];
  /** Chats that received at least one message. */
  chatsReached: number[];
  /** Messages beyond the first in each chat. */
  duplicates: number;
  /** The emulator's own counts: accepted, rateLimited (by its limits), injectedRateLimited, violations. */
  stats: { accepted: number; rateLimited: number; injectedRateLimited: number; violations: number };
  /** CPU the emulator process used since it started. */
  cpuMs: number;
}

export type EmulatorCommand =
  | { type: 'start'; limits: Partial<Record<'overall' | 'perChat' | 'perGroup' | 'paidBroadcast', RateWindow>>; inject429?: { rate: number; retryAfterSeconds: number; seed: number } }
  | { type: 'addUsers'; ids: number[] }
  | { type: 'summary' }
  | { type: 'stop' };

export type EmulatorReply =
  | { type: 'started'; apiRoot: string; token: string }
  | { type: 'summary'; summary: SendSummary }
  | { type: 'done' };

export interface TelegramEmulatorProcess {
  apiRoot: string;
  token: string;
  addUsers(ids: number[]): Promise<void>;
  summary(): Promise<SendSummary>;
  stop(): Promise<void>;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'telegram-emulator-child.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

/** Forks the emulator child and starts the emulator in it with these limits. */
export async function startTelegramEmulatorProcess(start: Extract<EmulatorCommand, { type: 'start' }>): Promise<TelegramEmulatorProcess> {
  const child: ChildProcess = fork(CHILD, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: EmulatorReply) => void; reject: (e: Error) => void }>();
  child.on('message', (message: { id: number; reply?: EmulatorReply; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`telegram emulator: ${message.error}`));
    else if (message.reply) waiter?.resolve(message.reply);
  });
  child.on('exit', (code) => {
    for (const w of pending.values()) w.reject(new Error(`the telegram emulator process ended (code ${code})`));
    pending.clear();
  });
  const ask = (command: EmulatorCommand): Promise<EmulatorReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, command });
    });

  const started = await ask(start);
  if (started.type !== 'started') throw new Error('the telegram emulator did not start');
  return {
    apiRoot: started.apiRoot,
    token: started.token,
    addUsers: async (ids) => {
      await ask({ type: 'addUsers', ids });
    },
    summary: async () => {
      const reply = await ask({ type: 'summary' });
      if (reply.type !== 'summary') throw new Error('unexpected answer from the telegram emulator');
      return reply.summary;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask({ type: 'stop' }).catch(() => undefined);
      child.disconnect();
      await exited;
    },
  };
}
