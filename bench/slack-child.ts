// The Slack emulator in a child process of its own for the Slack benchmark, over IPC: the bench's workspaces with the app installed, and what it saw of chat.postMessage.
import { BOT_SCOPES } from '../bots/slack/scopes';
import { startSlackEmulator, type SlackEmulator, type SlackLimitsInput } from '../sandbox/slack';

export interface SlackBenchStart {
  type: 'start';
  workspaces: number;
  /** Channels per workspace, cycled: [1, 2] gives every other workspace two channels. */
  channelsEach: number[];
  limits: SlackLimitsInput;
  /** A share of chat.postMessage calls answered 429 with Retry-After. */
  inject429: { share: number; retryAfterSeconds: number };
}

export interface BenchWorkspace {
  team: string;
  name: string;
  token: string;
  botUserId: string;
  installerId: string;
  channels: { id: string; name: string }[];
}

/** What the emulator saw of chat.postMessage, computed in the child. */
export interface SlackBenchSummary {
  posts: { at: number; team: string; channel: string; status: number; ok: boolean; error?: string | undefined }[];
  /** Messages per channel id (the bench's channels only). */
  perChannel: [channelId: string, messages: number][];
  stats: { limited: Record<string, number>; refusedPosts: number; postsInPenalty: number };
  cpuMs: number;
}

export type SlackBenchCommand = SlackBenchStart | { type: 'summary' } | { type: 'stop' };
export type SlackBenchReply =
  | { type: 'started'; apiUrl: string; signingSecret: string; clientId: string; clientSecret: string; workspaces: BenchWorkspace[] }
  | { type: 'summary'; summary: SlackBenchSummary }
  | { type: 'done' };

let slack: SlackEmulator | undefined;
const benchChannels = new Set<string>();

async function start(command: SlackBenchStart): Promise<SlackBenchReply> {
  slack = await startSlackEmulator({ limits: command.limits });
  slack.configureApp({ scopes: [...BOT_SCOPES] });
  const workspaces: BenchWorkspace[] = [];
  for (let i = 0; i < command.workspaces; i++) {
    const count = command.channelsEach[i % command.channelsEach.length] ?? 1;
    const names = Array.from({ length: count }, (_, c) => `alerts-${c + 1}`);
    const view = slack.createWorkspace({ name: `Desk ${i + 1}`, users: [{ name: 'owner', isOwner: true }], channels: names.map((name) => ({ name })) });
    const installed = slack.installApp(view.id, { installerId: view.users.owner! });
    const channels = names.map((name) => ({ id: view.channels[name]!, name }));
    // The bot was asked into its channels (by /signals subscribe, which joins them).
    for (const c of channels) {
      slack.state.workspace(view.id).channels.get(c.id)!.members.add(installed.botUserId);
      benchChannels.add(c.id);
    }
    workspaces.push({ team: view.id, name: view.name, token: installed.botToken, botUserId: installed.botUserId, installerId: view.users.owner!, channels });
  }
  if (command.inject429.share > 0) slack.inject429(command.inject429.share, 'chat.postMessage', command.inject429.retryAfterSeconds);
  return { type: 'started', apiUrl: slack.apiUrl, signingSecret: slack.app.signingSecret, clientId: slack.app.clientId, clientSecret: slack.app.clientSecret, workspaces };
}

function summary(): SlackBenchReply {
  if (!slack) throw new Error('the Slack emulator is not started');
  const posts = slack.callsTo('chat.postMessage').map((c) => ({ at: c.at, team: c.team ?? '', channel: String(c.params.channel ?? ''), status: c.status, ok: c.ok, error: c.error }));
  const perChannel: [string, number][] = [...benchChannels].map((id) => [id, slack!.messagesIn(id).length]);
  const cpu = process.cpuUsage();
  return { type: 'summary', summary: { posts, perChannel, stats: slack.rateStats(), cpuMs: (cpu.user + cpu.system) / 1000 } };
}

process.on('message', (message: { id: number; command: SlackBenchCommand }) => {
  const { id, command } = message;
  const answer = async (): Promise<SlackBenchReply> => {
    switch (command.type) {
      case 'start':
        return start(command);
      case 'summary':
        return summary();
      case 'stop':
        await slack?.stop();
        return { type: 'done' };
    }
  };
  answer().then(
    (reply) => {
      process.send?.({ id, reply });
      if (command.type === 'stop') process.disconnect();
    },
    (err: unknown) => process.send?.({ id, error: (err as Error).message }),
  );
});
