// The inbound contract on Slack: the real adapter (bolt behind the service's route) against the Slack emulator. A person's "private chat" is their DM with the app, where they run commands; answers are ephemeral, by response_url.
import { serveRoutes, type RouteServer } from '../contract/route-server';
import { describeInboundContract, type ReceivedMessage } from '../contract/inbound-contract';
import type { EphemeralMessage } from '../../sandbox/slack';
import { createSlackAdapter } from './adapter';
import { readable, startSlackWorld } from './contract.fixtures';

type Obj = Record<string, unknown>;

/** Every button of a message's actions blocks: a link has its url, an action its value. */
function buttonsOf(blocks: unknown[] | undefined): { label: string; url?: string; data?: string; actionId: string }[] {
  return ((blocks ?? []) as Obj[]).filter((b) => b.type === 'actions').flatMap((b) => (b.elements as Obj[]).map((e) => ({
    label: String((e.text as Obj).text), actionId: String(e.action_id), ...(typeof e.url === 'string' ? { url: e.url } : { data: String(e.value) }),
  })));
}

const asReceived = (m: EphemeralMessage): ReceivedMessage => ({ id: m.ts, text: readable(m), buttons: buttonsOf(m.blocks).map(({ actionId: _id, ...b }) => b) });

describeInboundContract('slack', async () => {
  const w = await startSlackWorld();
  const server: RouteServer = await serveRoutes();
  const adapter = createSlackAdapter({
    signingSecret: w.emulator.app.signingSecret, botToken: w.install.botToken, apiUrl: w.emulator.apiUrl, authorizeUrl: w.emulator.authorizeUrl, operatorIds: [],
  }, w.context);
  adapter.routes!(server.registrar);
  w.emulator.configureApp({ requestUrl: `${server.url}/slack/events` });
  const team = w.ws.id;
  return {
    adapter,
    person: (n) => {
      const userId = w.ws.users[`person${n}`]!;
      return { userId, chat: { platform: 'slack', tenant: team, chatId: w.emulator.dmChannel(team, userId) } };
    },
    say: async (p, text) => {
      if (!text.startsWith('/')) {
        // The person's message is there, in their DM with the app; the app subscribes to no message events, so it is not told.
        w.emulator.state.messagesIn(p.chat.chatId).push({ ts: w.emulator.state.ids.ts(), channel: p.chat.chatId, team, user: p.userId, text, edits: [], via: 'person' });
        return;
      }
      const [name = '', ...rest] = text.slice(1).split(/\s+/);
      await w.emulator.slashCommand({ team, user: p.userId, command: `/${name}`, text: rest.join(' ') });
    },
    pressButton: async (p, messageId, data) => {
      const message = w.emulator.ephemeralsFor(p.userId).find((m) => m.ts === messageId);
      if (!message) throw new Error(`no ephemeral ${messageId}`);
      const button = buttonsOf(message.blocks).find((b) => b.data === data)!;
      await w.emulator.clickButton({ team, user: p.userId, channel: p.chat.chatId, message, actionId: button.actionId });
    },
    received: (p) => w.emulator.ephemeralsFor(p.userId).map(asReceived),
    transcript: (p) => w.emulator.ephemeralsFor(p.userId).flatMap((m) => [...m.edits.map((e) => readable(e)), readable(m)]),
    stop: async () => {
      await server.close();
      await w.stop();
    },
  };
});
