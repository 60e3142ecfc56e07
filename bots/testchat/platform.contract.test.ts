import { startTestchat } from '../../sandbox/testchat/server';
import { describeChatPlatformContract } from '../contract/chat-platform-contract';
import { createTestchatPlatform } from './index';

describeChatPlatformContract('testchat', async () => {
  const { emulator, url, token } = await startTestchat();
  emulator.blockChat('900');
  emulator.removeChat('404');
  return {
    platform: createTestchatPlatform({ url, token }),
    recipient: (chatId) => ({ platform: 'testchat', chatId }),
    blockedRecipient: { platform: 'testchat', chatId: '900' },
    missingRecipient: { platform: 'testchat', chatId: '404' },
    injectRateLimit: (seconds, scope) => emulator.failNext(scope ? { kind: 'rate_limit', retryAfterSeconds: seconds, scope } : { kind: 'rate_limit', retryAfterSeconds: seconds }),
    injectServerError: (status) => emulator.failNext({ kind: 'server_error', status }),
    received: (to) => emulator.messages.filter((m) => to.platform === 'testchat' && m.chatId === to.chatId).map((m) => m.text),
    // A thread on testchat: the messages sent with reply_to.
    threadOf: (to, id) => emulator.messages.filter((m) => m.chatId === to.chatId && m.replyTo === id).map((m) => m.text),
    // Testchat shows text only (the adapter declares no images).
    images: false,
    receivedImages: () => [],
    stop: () => emulator.stop(),
  };
});
