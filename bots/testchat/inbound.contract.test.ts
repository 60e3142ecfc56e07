import { silentLogger } from '../../core/logger';
import { startTestchat, TestchatEmulator } from '../../sandbox/testchat/server';
import { describeInboundContract, type InboundHarness } from '../contract/inbound-contract';
import { serveRoutes } from '../contract/route-server';
import { createTestchatAdapter } from './adapter';

/** Testchat and its adapter, the webhook served on loopback; `buttons` and `ackWithinMs` set both sides. */
async function harness(options: { buttons?: boolean; ackWithinMs?: number } = {}): Promise<InboundHarness> {
  const { emulator, url, token } = await startTestchat({ buttons: options.buttons });
  const routes = await serveRoutes();
  const adapter = createTestchatAdapter({ url, token, publicUrl: routes.url, capabilities: options }, { logger: silentLogger });
  adapter.routes?.(routes.registrar);
  return {
    adapter,
    person: (n) => ({ userId: `u${n}`, chat: { platform: 'testchat', chatId: `u${n}`, direct: true } }),
    say: async (p, text) => void (await emulator.say(p.userId, TestchatEmulator.direct(p.userId), text)),
    pressButton: async (p, messageId, data) => void (await emulator.pressButton(p.userId, messageId, data)),
    received: (p) => emulator.chatMessages(p.chat.chatId).map((m) => ({
      id: String(m.messageId),
      text: m.text,
      buttons: (m.buttons ?? []).flat().map((b) => ('url' in b ? { label: b.label, url: b.url } : { label: b.label, data: b.data })),
    })),
    transcript: (p) => emulator.transcript(p.chat.chatId),
    stop: async () => {
      await routes.close();
      await emulator.stop();
    },
  };
}

describeInboundContract('testchat', () => harness());
describeInboundContract('testchat without buttons', () => harness({ buttons: false }));
describeInboundContract('testchat with a deadline for the first answer', () => harness({ ackWithinMs: 25 }));
