// The send contract on Slack: the real @slack/web-api against the Slack emulator, with SLACK_BOT_TOKEN's workspace.
import { describeChatPlatformContract } from '../contract/chat-platform-contract';
import { SLACK_CAPABILITIES } from './adapter';
import { readable, startSlackWorld } from './contract.fixtures';
import { SlackPlatform } from './platform';

describeChatPlatformContract('slack', async () => {
  const w = await startSlackWorld();
  const onPost = (req: { path: string }) => req.path === '/api/chat.postMessage';
  return {
    platform: new SlackPlatform(w.workspaces),
    recipient: (chatId) => ({ platform: 'slack', tenant: w.ws.id, chatId: w.ws.channels[chatId] ?? chatId }),
    // Slack has no blocking of a bot; the nearest is a person whose Messages tab for the app is off, which Slack answers messages_tab_disabled.
    get blockedRecipient() {
      w.emulator.failNext('chat.postMessage', 'messages_tab_disabled');
      return { platform: 'slack', tenant: w.ws.id, chatId: w.ws.users.sam!, direct: true };
    },
    missingRecipient: { platform: 'slack', tenant: w.ws.id, chatId: 'C0MISSING' },
    // Slack's 429 names no scope: every one reads as the workspace's (errors.ts).
    injectRateLimit: (seconds) => w.emulator.server.failNext({ kind: 'rate_limit', retryAfterSeconds: seconds }, { match: onPost }),
    injectServerError: (status) => w.emulator.server.failNext({ kind: 'server_error', status }, { match: onPost }),
    received: (to) => w.textsIn(to.chatId),
    // A thread on Slack: the messages posted with its ts as thread_ts.
    threadOf: (to, ts) => w.emulator.threadOf(to.chatId, ts).map(readable),
    images: SLACK_CAPABILITIES.images,
    // Files shared in the channel, with the bytes posted to their upload URL.
    receivedImages: (to) => w.emulator.messagesIn(to.chatId).flatMap((m) => m.files ?? []).filter((f) => f.mimetype.startsWith('image/')).map((f) => w.emulator.file(f.id)!.data!),
    stop: () => w.stop(),
  };
});
