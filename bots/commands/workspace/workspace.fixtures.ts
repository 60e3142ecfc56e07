// Test fixtures for /signals: the command world with a real installation store and a small WorkspacePort, and a Slack-shaped event.
import { randomBytes } from 'node:crypto';
import type { ChatRef, InboundEvent, Reply } from '../../../core/inbound/types';
import type { ChannelProblem, WorkspacePort } from '../../../core/platform/adapter';
import { Secret } from '../../../core/tenancy/secret';
import { SecretBox } from '../../../core/tenancy/secret-box';
import { SqliteInstallationStore } from '../../../db/stores/installation-store';
import { commandWorld, type CommandWorld } from '../commands.fixtures';
import type { CommandDeps } from '../deps';
import { handleEvent } from '../router';

export const TEAM = 'T0001';

/** A WorkspacePort that joins any channel but those told to fail, counts `members` people (or fails with `countProblem`), and records what it was asked. */
export class FakeWorkspacePort implements WorkspacePort {
  readonly prepared: { tenant: string; chatId: string }[] = [];
  readonly problems = new Map<string, { code: ChannelProblem; detail: string }>();
  members = 3;
  countProblem: { code: ChannelProblem; detail: string } | undefined;

  async countMembers(): Promise<{ ok: true; count: number } | { ok: false; code: ChannelProblem; detail: string }> {
    return this.countProblem ? { ok: false, ...this.countProblem } : { ok: true, count: this.members };
  }

  async prepareChannel(tenant: string, chatId: string): Promise<{ ok: true; label: string; isPrivate: boolean } | { ok: false; code: ChannelProblem; detail: string }> {
    this.prepared.push({ tenant, chatId });
    const problem = this.problems.get(chatId);
    return problem ? { ok: false, ...problem } : { ok: true, label: chatId.toLowerCase(), isPrivate: false };
  }
}

export interface WorkspaceWorld extends CommandWorld {
  installations: SqliteInstallationStore;
  port: FakeWorkspacePort;
  install(tenant?: string): Promise<void>;
  /** `/signals <args>` from a Slack user; `#name` words are channel mentions resolved to chat id C-<NAME>. */
  signals(userId: string, args: string, options?: { admin?: boolean; tenant?: string; inChannel?: string }): Promise<Reply[]>;
}

export function workspaceWorld(overrides: Partial<CommandDeps> = {}): WorkspaceWorld {
  const port = new FakeWorkspacePort();
  const w = commandWorld({ workspaces: { slack: port }, ...overrides });
  const installations = new SqliteInstallationStore({ db: w.db, clock: w.clock, secrets: new SecretBox(randomBytes(32)), audit: w.audit });
  w.deps.installations = installations;
  const install: WorkspaceWorld['install'] = async (tenant = TEAM) => {
    await installations.save({ platform: 'slack', tenant, tenantName: 'Acme Desk', scopes: ['commands', 'chat:write'], installerPlatformUserId: 'U_INSTALLER', botToken: new Secret('xoxb-test-token') });
  };
  const signals: WorkspaceWorld['signals'] = (userId, args, options = {}) => {
    const tenant = options.tenant ?? TEAM;
    const chatRefs: ChatRef[] = [...args.matchAll(/#([\w-]+)/g)].map((m) => ({ chatId: channelId(m[1] ?? ''), label: `#${m[1] ?? ''}` }));
    const event: InboundEvent = {
      type: 'command', command: 'signals', args, chatRefs,
      actor: { platform: 'slack', platformUserId: userId, tenant, tenantAdmin: options.admin ?? false },
      chat: { platform: 'slack', tenant, chatId: options.inChannel ?? 'C-GENERAL' }, isPrivate: true,
    };
    return handleEvent(event, w.deps);
  };
  return { ...w, installations, port, install, signals };
}

/** The chat id a `#name` mention resolves to in these tests. */
export const channelId = (name: string): string => `C-${name.toUpperCase()}`;
