// A Slack emulator with one workspace for the Slack tests: people (an owner, an admin, a member), channels the bot is in, installations in real SQLite.
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { AdapterContext } from '../../core/platform/adapter';
import { SecretBox } from '../../core/tenancy/secret-box';
import { Secret } from '../../core/tenancy/secret';
import { openMemoryDatabase } from '../../db/client';
import { SqliteInstallationStore } from '../../db/stores/installation-store';
import { startSlackEmulator, type InstallResult, type SlackEmulator, type SlackMessage, type WorkspaceView } from '../../sandbox/slack';
import { BOT_SCOPES } from './scopes';
import { SlackWorkspaces } from './workspaces';

export interface SlackWorld {
  emulator: SlackEmulator;
  ws: WorkspaceView;
  install: InstallResult;
  installations: SqliteInstallationStore;
  /** Tokens by workspace: SLACK_BOT_TOKEN for `ws` (as auth.test would tell at start). */
  workspaces: SlackWorkspaces;
  context: AdapterContext;
  /** Puts the app's bot in a channel (it was invited, or joined). */
  botJoins(channelId: string, teamId?: string): void;
  /** What a person reads of a channel's messages now (edits applied). */
  textsIn(channelId: string): string[];
  /** A second workspace that installed the app by OAuth (its installation saved in SQLite). */
  oauthWorkspace(name: string): Promise<{ ws: WorkspaceView; install: InstallResult }>;
  stop(): Promise<void>;
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

type Obj = Record<string, unknown>;
const textOf = (t: unknown): string => (typeof t === 'object' && t !== null ? String((t as Obj).text ?? '') : '');

/** A message as a person reads it: each block's text (header, section, fields, context) on its own line; the fallback text when there are no blocks. */
export function readable(message: Pick<SlackMessage, 'text' | 'blocks'>): string {
  if (!message.blocks || message.blocks.length === 0) return unescape(message.text);
  const lines = (message.blocks as Obj[]).flatMap((b) => [
    textOf(b.text),
    ...((b.fields as unknown[] | undefined) ?? []).map(textOf),
    ...(b.type === 'context' ? ((b.elements as unknown[] | undefined) ?? []).map(textOf) : []),
  ]);
  // Block text is plain_text: shown as written.
  return lines.filter(Boolean).join('\n');
}

export async function startSlackWorld(options: { clock?: Clock; channels?: string[] } = {}): Promise<SlackWorld> {
  const clock = options.clock ?? systemClock;
  const emulator = await startSlackEmulator({ clock });
  const channels = options.channels ?? ['101', '102', '103', '104', '105', '106', '110', '111', 'alerts', 'general'];
  const ws = emulator.createWorkspace({
    name: 'Acme Trading Desk',
    users: [{ name: 'dana', isOwner: true }, { name: 'alex', isAdmin: true }, { name: 'sam' }, ...Array.from({ length: 8 }, (_, i) => ({ name: `person${i}` }))],
    channels: [...channels.map((name) => ({ name })), { name: 'desk-private', isPrivate: true, members: ['dana'] }, { name: 'old', isArchived: true }, { name: 'lobby' }],
  });
  // The app asks for the manifest's scopes: without chat:write.public it posts only where it is a member.
  emulator.configureApp({ scopes: [...BOT_SCOPES] });
  const install = emulator.installApp(ws.id, { installerId: ws.users.dana! });
  const botJoins = (channelId: string, teamId = ws.id) => {
    const workspace = emulator.state.workspace(teamId);
    workspace.channels.get(channelId)!.members.add(workspace.bot!.id);
  };
  for (const name of channels) botJoins(ws.channels[name]!);
  const db = openMemoryDatabase();
  const installations = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(randomBytes(32)) });
  const workspaces = new SlackWorkspaces({ apiUrl: emulator.apiUrl, botToken: install.botToken, installations, clock, logger: silentLogger });
  workspaces.single = { team: ws.id, botUserId: install.botUserId, botName: 'signalcast' };
  const context: AdapterContext = {
    logger: silentLogger, clock, publicUrl: undefined, platforms: ['slack'], installations,
    // No gate on Slack: nothing is granted.
    access: { store: undefined as never, notices: async () => ({ sent: true }) },
  };
  return {
    emulator, ws, install, installations, workspaces, context, botJoins,
    textsIn: (channelId) => emulator.messagesIn(channelId).filter((m) => !m.threadTs || m.threadTs === m.ts).map(readable),
    async oauthWorkspace(name) {
      const other = emulator.createWorkspace({ name, users: [{ name: 'owner', isOwner: true }, { name: 'member' }], channels: [{ name: 'alerts' }] });
      const installed = emulator.installApp(other.id, { installerId: other.users.owner! });
      botJoins(other.channels.alerts!, other.id);
      await installations.save({
        platform: 'slack', tenant: other.id, tenantName: name, botUserId: installed.botUserId, scopes: installed.scopes,
        installerPlatformUserId: other.users.owner!, botToken: new Secret(installed.botToken),
      });
      return { ws: other, install: installed };
    },
    stop: () => emulator.stop(),
  };
}
