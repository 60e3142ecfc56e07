// Child process entry: the Telegram (or Discord) and Stripe emulators on a core of their own, driven over IPC by bench/emulators-process.ts.
import { planLoadOptions } from '../app/adapters/plan-catalog';
import { loadPlans } from '../core/plans';
import { createPlanChannels, stripePlanPrices } from '../sandbox';
import { startStripeEmulator, type StripeEmulator } from '../sandbox/stripe';
import { startTelegramEmulator, type TelegramEmulator, type TelegramLimits } from '../sandbox/telegram';
import { seededRandom } from '../sandbox/testchat/random';
import { discordSummary, membersJoin, payAll, startDiscord, stopDiscord, timelines, watchWebhooks } from './discord-child';
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

/** The first accepted sendMessage naming each id on a line of its text (tags stripped), and every accepted arrival time (ascending). */
function firstSends(e: TelegramEmulator, ids: readonly string[]): EmulatorReply {
  const wanted = new Set(ids);
  const firstAt = new Map<string, number>();
  const accepted: number[] = [];
  for (const call of e.calls('sendMessage')) {
    if (call.status !== 200) continue;
    accepted.push(call.at);
    const text = (call.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string') continue;
    for (const line of text.split('\n')) {
      const id = line.replace(/<[^>]*>/g, '').trim();
      if (wanted.has(id) && (firstAt.get(id) ?? Infinity) > call.at) firstAt.set(id, call.at);
    }
  }
  return { type: 'firstSends', firstAt: [...firstAt], accepted: accepted.sort((a, b) => a - b) };
}

async function handle(command: EmulatorCommand): Promise<EmulatorReply> {
  switch (command.type) {
    case 'start': {
      // The plans the service runs with (bench/plans.yaml, PLANS_FILE in serviceEnv).
      const plans = loadPlans(command.plansFile ?? BENCH_PLANS_FILE, planLoadOptions());
      const discord = command.discord ? await startDiscord(command.discord) : undefined;
      if (!command.discord) {
        telegram = await startTelegramEmulator({ limits: command.telegramLimits as Partial<TelegramLimits> | undefined });
        createPlanChannels(telegram, plans);
      }
      const inject = command.inject429;
      if (telegram && inject && inject.rate > 0) {
        const random = seededRandom(inject.seed);
        telegram.failNext({ kind: 'rate_limit', retryAfterSeconds: inject.retryAfterSeconds }, {
          method: 'sendMessage',
          count: Number.MAX_SAFE_INTEGER,
          match: () => random() < inject.rate,
        });
      }
      stripe = await startStripeEmulator({ plans: stripePlanPrices(plans) });
      watchWebhooks(stripe);
      return {
        type: 'started',
        ...(telegram ? { telegram: { apiRoot: telegram.apiRoot, token: telegram.token } } : {}),
        ...(discord ? { discord } : {}),
        stripe: { url: stripe.url, secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
      };
    }
    case 'addTelegramUsers':
      for (const id of command.ids) telegram?.addUser(id, { startedBot: true, firstName: `User ${id}` });
      return { type: 'done' };
    case 'summary':
      if (!telegram) throw new Error('the Telegram emulator is not started');
      return { type: 'summary', summary: summarize(telegram) };
    case 'firstSends':
      if (!telegram) throw new Error('the Telegram emulator is not started');
      return firstSends(telegram, command.ids);
    case 'discordMembers':
      return { type: 'ids', ids: membersJoin(command.count) };
    case 'setWebhookUrl':
      stripe?.setWebhookUrl(command.url);
      return { type: 'done' };
    case 'pay':
      if (!stripe) throw new Error('the Stripe emulator is not started');
      payAll(stripe, command.sessions);
      return { type: 'done' };
    case 'timelines':
      return { type: 'timelines', timelines: timelines(command.userIds) };
    case 'discordSummary':
      return { type: 'discordSummary', summary: discordSummary() };
    case 'stop':
      await Promise.all([telegram?.stop(), stripe?.stop(), stopDiscord()]);
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
