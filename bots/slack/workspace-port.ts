// The WorkspacePort on Slack: makes the bot able to post in a channel a workspace admin chose (joins a public one), or says why it cannot; counts the workspace's people.
import type { ChannelProblem, WorkspacePort } from '../../core/platform/adapter';
import { isTokenError, slackErrorOf, toChannelProblem } from './errors';
import type { SlackWorkspaces } from './workspaces';

type Prepared = Awaited<ReturnType<WorkspacePort['prepareChannel']>>;
type Counted = Awaited<ReturnType<WorkspacePort['countMembers']>>;

/** users.list page size (Slack recommends no more than 200). */
export const MEMBERS_PAGE = 200;
/** Slackbot: listed as a person (is_bot false) in every workspace, never a seat. */
const SLACKBOT = 'USLACKBOT';
/** A bound on the pages read (200,000 people), so a cursor that never ends cannot loop forever. */
const MAX_PAGES = 1_000;

const problem = (code: ChannelProblem, detail: string): Prepared => ({ ok: false, code, detail });

/**
 * conversations.info, then: archived → `archived`; private without the bot → `private_not_member`
 * (invite it); public without the bot → conversations.join; unknown → `not_found`; a refused token →
 * `not_allowed` (and the workspace is remembered as refused); Slack unreachable → `unavailable`.
 */
export function slackWorkspacePort(workspaces: SlackWorkspaces): WorkspacePort {
  const botNames = new Map<string, string>();
  return {
    /** users.list, page by page (each call bounded and retried by the caller client), counting people: not bots, not deactivated, not Slackbot. */
    async countMembers(tenant, signal): Promise<Counted> {
      const token = await workspaces.tokenOf(tenant);
      if (!token) return { ok: false, code: 'not_allowed', detail: `${workspaces.whyNot(tenant)}; install it again from the install link` };
      const client = workspaces.caller(token);
      let count = 0;
      let cursor: string | undefined;
      try {
        for (let page = 0; page < MAX_PAGES; page++) {
          if (signal?.aborted) return { ok: false, code: 'unavailable', detail: 'counting the workspace\'s people took too long' };
          const res = await client.users.list({ limit: MEMBERS_PAGE, ...(cursor ? { cursor } : {}) });
          for (const m of res.members ?? []) if (!m.is_bot && !m.deleted && m.id !== SLACKBOT) count++;
          cursor = res.response_metadata?.next_cursor || undefined;
          if (!cursor) return { ok: true, count };
        }
        return { ok: false, code: 'unavailable', detail: `Slack listed more than ${MAX_PAGES * MEMBERS_PAGE} people` };
      } catch (err) {
        if (isTokenError(err)) await workspaces.refused(token, slackErrorOf(err) ?? 'invalid_auth');
        return { ok: false, ...toChannelProblem(err) };
      }
    },

    async prepareChannel(tenant, chatId, signal) {
      const token = await workspaces.tokenOf(tenant);
      if (!token) return problem('not_allowed', `${workspaces.whyNot(tenant)}; install it again from the install link`);
      const client = workspaces.caller(token);
      try {
        const { channel } = await client.conversations.info({ channel: chatId });
        if (signal?.aborted) return problem('unavailable', 'the command was abandoned');
        if (!channel) return problem('not_found', 'Slack knows no such channel in this workspace');
        const label = `#${channel.name ?? chatId}`;
        const isPrivate = Boolean(channel.is_private);
        if (channel.is_archived) return problem('archived', `${label} is archived; unarchive it or choose another channel`);
        if (channel.is_member) return { ok: true, label, isPrivate };
        if (isPrivate) return problem('private_not_member', `${label} is private: invite me with /invite @${await botName()} in ${label}, then run the command again`);
        await client.conversations.join({ channel: chatId });
        return { ok: true, label, isPrivate };
      } catch (err) {
        if (isTokenError(err)) await workspaces.refused(token, slackErrorOf(err) ?? 'invalid_auth');
        // Slack answers channel_not_found for a private channel the bot is not in, as for one that does not exist: say both.
        if (slackErrorOf(err) === 'channel_not_found') {
          const name = await botName().catch(() => 'signalcast');
          return problem('not_found', `I cannot see that channel: if it is private, invite me with /invite @${name} in it, then run the command again`);
        }
        return { ok: false, ...toChannelProblem(err) };
      }

      /** The bot's name in this workspace, as /invite takes it (auth.test, once per workspace). */
      async function botName(): Promise<string> {
        const known = botNames.get(tenant);
        if (known) return known;
        const me = await client.auth.test();
        const name = me.user ?? 'signalcast';
        botNames.set(tenant, name);
        return name;
      }
    },
  };
}
