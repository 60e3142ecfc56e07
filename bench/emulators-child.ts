// Child process entry: the Telegram and Stripe emulators on a core of their own, driven over IPC by bench/emulators-process.ts.
import { planLoadOptions } from '../app/adapters/plan-catalog';
import { loadPlans } from '../core/plans';
import { createPlanChannels, stripePlanPrices } from '../sandbox';
import { startStripeEmulator, type StripeEmulator } from '../sandbox/stripe';
import { startTelegramEmulator, type TelegramEmulator, type TelegramLimits } from '../sandbox/telegram';
import { seededRandom } from '../sandbox/testchat/random';
import { BENCH_PLANS_FILE, type EmulatorCommand, type EmulatorReply, type SendSummary } from './emulators-process';

let telegram: TelegramEmulator | undefined;
let stripe: StripeEmulator | undefined;

function summarize(e: TelegramEmulator): SendSummary {
  const calls = e.calls('sendMessage');
  const acceptedAt = calls.filter((c) => c.status === 200).map((c) => c.at).sort((a, b) => a - b);
  const perChat = new Map<number, number>();
  for (const m of e.sentMessages()) perChat.set(m.chat.id, (perChat.get(m.chat.id) ?? 0) + 1);
  const cpu = process.cpuUsage();
  return { requests: calls.length, acceptedAt, perChat: [...perChat], stats: e.stats, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function handle(command: EmulatorCommand): Promise<EmulatorReply> {
  switch (command.type) {
    case 'start': {
      // The plans the service runs with (bench/plans.yaml, PLANS_FILE in serviceEnv).
      const plans = loadPlans(BENCH_PLANS_FILE, planLoadOptions());
      telegram = await startTelegramEmulator({ limits: command.telegramLimits as Partial<TelegramLimits> | undefined });
      createPlanChannels(telegram, plans);
      const inject = command.inject429;
      if (inject && inject.rate > 0) {
        const random = seededRandom(inject.seed);
        telegram.failNext({ kind: 'rate_limit', retryAfterSeconds: inject.retryAfterSeconds }, {
          method: 'sendMessage',
          count: Number.MAX_SAFE_INTEGER,
          match: () => random() < inject.rate,
        });
      }
      stripe = await startStripeEmulator({ plans: stripePlanPrices(plans) });
      return {
        type: 'started',
        telegram: { apiRoot: telegram.apiRoot, token: telegram.token },
        stripe: { url: stripe.url, secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
      };
    }
    case 'addTelegramUsers':
      for (const id of command.ids) telegram?.addUser(id, { startedBot: true, firstName: `User ${id}` });
      return { type: 'done' };
    case 'summary':
      if (!telegram) throw new Error('the Telegram emulator is not started');
      return { type: 'summary', summary: summarize(telegram) };
    case 'stop':
      await Promise.all([telegram?.stop(), stripe?.stop()]);
      return { type: 'done' };
  }
}

process.on('message', (message: { id: number; command: EmulatorCommand }) => {
  handle(message.command).then(
    (reply) => process.send?.({ id: message.id, reply }),
    (err: unknown) => process.send?.({ id: message.id, error: (err as Error).message }),
  );
});
// Ends with the parent: a benchmark that dies must not leave emulators listening.
process.on('disconnect', () => process.exit(0));
