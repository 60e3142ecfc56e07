// Child process entry: the Telegram Bot API emulator on its own core, driven over IPC by bench/telegram-emulator-process.ts.
import { seededRandom } from '../sandbox/testchat/random';
import { startTelegramEmulator, type TelegramEmulator, type TelegramLimits } from '../sandbox/telegram';
import type { EmulatorCommand, EmulatorReply, SendSummary } from './telegram-emulator-process';

let emulator: TelegramEmulator | undefined;

function summarize(e: TelegramEmulator): SendSummary {
  const calls = e.calls('sendMessage');
  const acceptedAt = calls.filter((c) => c.status === 200).map((c) => c.at).sort((a, b) => a - b);
  const perChat = new Map<number, number>();
  for (const m of e.sentMessages()) perChat.set(m.chat.id, (perChat.get(m.chat.id) ?? 0) + 1);
  let duplicates = 0;
  for (const n of perChat.values()) duplicates += n - 1;
  const cpu = process.cpuUsage();
  return {
    requests: calls.length,
    acceptedAt,
    chatsReached: [...perChat.keys()],
    duplicates,
    stats: e.stats,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function handle(command: EmulatorCommand): Promise<EmulatorReply> {
  switch (command.type) {
    case 'start': {
      emulator = await startTelegramEmulator({ limits: command.limits as Partial<TelegramLimits> });
      const inject = command.inject429;
      if (inject && inject.rate > 0) {
        const random = seededRandom(inject.seed);
        emulator.failNext({ kind: 'rate_limit', retryAfterSeconds: inject.retryAfterSeconds }, {
          method: 'sendMessage',
          count: Number.MAX_SAFE_INTEGER,
          match: () => random() < inject.rate,
        });
      }
      return { type: 'started', apiRoot: emulator.apiRoot, token: emulator.token };
    }
    case 'addUsers':
      for (const id of command.ids) emulator?.addUser(id, { startedBot: true, firstName: `User ${id}` });
      return { type: 'done' };
    case 'summary':
      if (!emulator) throw new Error('the emulator is not started');
      return { type: 'summary', summary: summarize(emulator) };
    case 'stop':
      await emulator?.stop();
      return { type: 'done' };
  }
}

process.on('message', (message: { id: number; command: EmulatorCommand }) => {
  handle(message.command).then(
    (reply) => process.send?.({ id: message.id, reply }),
    (err: unknown) => process.send?.({ id: message.id, error: (err as Error).message }),
  );
});
// Ends with the parent: a benchmark that dies must not leave an emulator listening.
process.on('disconnect', () => process.exit(0));
