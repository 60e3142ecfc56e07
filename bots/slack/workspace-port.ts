// The WorkspacePort on Slack: makes the bot able to post in a channel a workspace admin chose (joins a public one), or says why it cannot.
import type { ChannelProblem, WorkspacePort } from '../../core/platform/adapter';
import { isTokenError, slackErrorOf, toChannelProblem } from './errors';
import type { SlackWorkspaces } from './workspaces';

type Prepared = Awaited<ReturnType<WorkspacePort['prepareChannel']>>;

const problem = (code: ChannelProblem, detail: string): Prepared => ({ ok: false, code, detail });

/**
 * conversations.info, then: archived → `archived`; private without the bot → `private_not_member`
 * (invite it); public without the bot → conversations.join; unknown → `not_found`; a refused token →
 * `not_allowed` (and the workspace is remembered as refused); Slack unreachable → `unavailable`.
 */
export function slackWorkspacePort(workspaces: SlackWorkspaces): WorkspacePort {
  const botNames = new Map<string, string>();
  return {
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
