// The console's Slack section: act as dana (the owner) or sam (a member) of the demo workspace:
// install the app through the service's /slack/install and the emulator's "Allow", run /signals,
// click the buttons of its answers, and read #alerts (with threads) and the app's DMs.
import { type DemoPerson, type EphemeralMessage, type InteractionResult, type SlackEmulator, type SlackMessage, type WorkspaceView } from '../slack';
import { escapeHtml } from './html';
import { ConsoleInputError, type ConsoleOutcome, type ConsoleSection } from './section';
import { slackMessageHtml, type SlackButtonUse } from './slack-message';
import { renderChannel, renderDm, renderInstall, renderRuns, renderSignals, renderSlackWho, type SlackPersonView, type SlackRunView } from './slack-view';

export interface SlackSectionOptions {
  emulator: SlackEmulator;
  workspace: WorkspaceView;
  /** The service's URL once it listens (the install starts at its /slack/install). */
  serviceUrl: () => string | undefined;
  /** How many of your latest answers and runs to show. Default 8. */
  answers?: number;
}

/** The query parameter that holds who you are. */
export const SLACK_PERSON_PARAM = 'sl_user';
const PEOPLE: Record<DemoPerson, string> = { dana: 'the owner, an admin', sam: 'a member' };
const CALL_MS = 5_000;

interface Run extends SlackRunView {
  person: string;
}

export class SlackSection implements ConsoleSection {
  readonly id = 'slack';
  readonly title = 'Slack';
  private readonly runs: Run[] = [];
  private installProgress: string | undefined;

  constructor(private readonly options: SlackSectionOptions) {}

  render(query: URLSearchParams, actionUrl: (action: string) => string): string {
    let person: DemoPerson;
    try {
      person = this.personOf(query);
    } catch (err) {
      return `<p class="error" role="alert">${escapeHtml((err as Error).message)} <a href="/">Start again</a></p>`;
    }
    const { emulator, workspace } = this.options;
    const ws = emulator.state.workspaces.get(workspace.id);
    if (!ws) return '<p class="error" role="alert">The demo workspace is gone from the emulator.</p>';
    const userId = workspace.users[person]!;
    const view = (key: DemoPerson): SlackPersonView => ({ key, name: key, id: workspace.users[key]!, role: PEOPLE[key] });
    const names = (id: string) => ws.users.get(id)?.name;
    const sender = (m: SlackMessage) => (m.botId ? 'Signalcast (app)' : names(m.user) ?? m.user);
    const channelUse = (channel: string) => (m: SlackMessage): SlackButtonUse => ({ actionUrl, target: { channel, ts: m.ts } });
    const channels = [...ws.channels.values()].filter((c) => !c.isIm && c.members.has(userId)).map((c) => ({ id: c.id, name: `#${c.name}` }));
    const dm = emulator.dmChannel(workspace.id, userId);
    const answers = emulator.ephemeralsFor(userId).slice(-(this.options.answers ?? 8))
      .map((e: EphemeralMessage) => slackMessageHtml(e, 'Signalcast (app)', { actionUrl, target: { channel: e.channel, ephemeral: e.ts } }, names));
    const alerts = workspace.channels.alerts!;
    return [
      renderSlackWho(actionUrl, view(person), (Object.keys(PEOPLE) as DemoPerson[]).filter((k) => k !== person).map(view), workspace.name),
      renderInstall(actionUrl, { installed: ws.installed, botUserId: ws.bot?.id, progress: this.installProgress, serviceKnown: this.options.serviceUrl() !== undefined }),
      renderSignals(actionUrl, [...channels, { id: dm, name: 'your DM with the app' }], ws.installed),
      renderRuns(this.runs.filter((r) => r.person === userId).slice(-(this.options.answers ?? 8)), answers),
      renderChannel('alerts', emulator.messagesIn(alerts), (ts) => emulator.threadOf(alerts, ts), channelUse(alerts), sender),
      renderDm(emulator.messagesIn(dm), channelUse(dm), sender),
    ].join('\n');
  }

  act(action: string, form: URLSearchParams, query: URLSearchParams): ConsoleOutcome {
    if (action === 'person') {
      const key = form.get('person') ?? '';
      if (!(key in PEOPLE)) throw new ConsoleInputError(`person must be one of ${Object.keys(PEOPLE).join(', ')}.`);
      return { query: { [SLACK_PERSON_PARAM]: key }, notice: `You are ${key} now (${PEOPLE[key as DemoPerson]}).` };
    }
    const person = this.personOf(query);
    const userId = this.options.workspace.users[person]!;
    switch (action) {
      case 'install':
        this.startInstall(userId);
        return { notice: 'Installing: the service sends you to Slack, you click "Allow", Slack sends you back.' };
      case 'uninstall':
        this.requireInstalled();
        void this.options.emulator.uninstall(this.options.workspace.id);
        return { notice: 'You removed Signalcast from the workspace: its token no longer works and the app is told (app_uninstalled).' };
      case 'run':
        return this.run(userId, form);
      case 'click':
        return this.click(userId, form);
      default:
        throw new ConsoleInputError(`There is no Slack action ${JSON.stringify(action)}.`, 404);
    }
  }

  /** "/signals subscribe #alerts" as Slack sends it: the command, and its text with channel names escaped (`<#C…|alerts>`). */
  private run(userId: string, form: URLSearchParams): ConsoleOutcome {
    this.requireInstalled();
    const raw = (form.get('text') ?? '').trim();
    const match = /^(\/[a-z0-9_-]+)(?:\s+([\s\S]*))?$/i.exec(raw);
    if (!match) throw new ConsoleInputError('Type a slash command, e.g. /signals help.');
    const command = match[1]!.toLowerCase();
    if (command !== '/signals') throw new ConsoleInputError(`${command} is not a command of this workspace: the app has /signals.`, 404);
    const channel = this.channelOf(userId, form.get('channel'));
    const ws = this.options.emulator.state.workspace(this.options.workspace.id);
    const text = (match[2] ?? '').replace(/(^|\s)#([a-z0-9_-]+)/g, (whole, space: string, name: string) => {
      const found = [...ws.channels.values()].find((c) => !c.isIm && c.name === name);
      return found ? `${space}<#${found.id}|${name}>` : whole;
    });
    const where = ws.channels.get(channel);
    const shown = `You ran <code>${escapeHtml(`${command} ${match[2] ?? ''}`.trim())}</code> in ${escapeHtml(where?.isIm ? 'your DM with the app' : `#${where?.name ?? channel}`)}`;
    this.track(userId, shown, this.options.emulator.slashCommand({ team: ws.id, user: userId, channel, command, text }));
    return {};
  }

  private click(userId: string, form: URLSearchParams): ConsoleOutcome {
    this.requireInstalled();
    const actionId = form.get('action_id') ?? '';
    if (!actionId) throw new ConsoleInputError('action_id (the button\'s id) is missing.');
    const channel = form.get('channel') ?? '';
    const ephemeralTs = form.get('ephemeral');
    const { emulator, workspace } = this.options;
    let message: string | EphemeralMessage;
    if (ephemeralTs) {
      const found = emulator.ephemeralsFor(userId, channel).find((e) => e.ts === ephemeralTs);
      if (!found) throw new ConsoleInputError('That answer is gone (replaced or deleted).', 404);
      message = found;
    } else {
      const ts = form.get('ts') ?? '';
      if (!emulator.state.findMessage(channel, ts)) throw new ConsoleInputError(`There is no message ${ts} in ${channel}.`, 404);
      message = ts;
    }
    this.track(userId, `You clicked <code>${escapeHtml(actionId)}</code>`, emulator.clickButton({ team: workspace.id, user: userId, channel, message, actionId }));
    return {};
  }

  /** Keeps a run's line on the page, updated once the app acknowledges it (or does not in time). */
  private track(person: string, asked: string, pending: Promise<InteractionResult>): void {
    const run: Run = { person, asked, outcome: 'waiting for the app…' };
    this.runs.push(run);
    if (this.runs.length > 100) this.runs.shift();
    pending.then(
      (r) => {
        run.outcome = r.status === 200 ? `acknowledged in ${r.ackMs} ms` : r.timedOut ? 'the app did not answer within 3 seconds (Slack shows "operation_timeout")' : `the app answered ${r.status}${r.error ? ` (${r.error})` : ''}`;
      },
      (err: unknown) => {
        run.outcome = `not sent: ${(err as Error).message}`;
      },
    );
  }

  /** The admin's install as a browser makes it: the service's /slack/install, "Allow" on Slack's page, back to the service with the state cookie. */
  private startInstall(userId: string): void {
    const serviceUrl = this.options.serviceUrl();
    if (!serviceUrl) throw new ConsoleInputError('The service is not listening yet: try again in a moment.', 409);
    this.installProgress = 'Installing…';
    void this.install(serviceUrl.replace(/\/+$/, ''), userId).then(
      (outcome) => (this.installProgress = outcome),
      (err: unknown) => (this.installProgress = `The install failed: ${(err as Error).message}`),
    );
  }

  private async install(serviceUrl: string, userId: string): Promise<string> {
    const start = await fetch(`${serviceUrl}/slack/install`, { redirect: 'manual', signal: AbortSignal.timeout(CALL_MS) });
    const location = start.headers.get('location');
    if (start.status !== 302 || !location) return `The service's /slack/install answered ${start.status}, not a redirect to Slack (is Slack configured for OAuth?).`;
    const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const asked = new URL(location);
    const scope = asked.searchParams.get('scope');
    const back = this.options.emulator.authorize({
      team: this.options.workspace.id,
      user: userId,
      redirectUri: asked.searchParams.get('redirect_uri') ?? '',
      clientId: asked.searchParams.get('client_id') ?? '',
      ...(scope ? { scopes: scope.split(',') } : {}),
      ...(asked.searchParams.get('state') ? { state: asked.searchParams.get('state')! } : {}),
    });
    const done = await fetch(back, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(CALL_MS) });
    const page = await done.text();
    const said = /<h1>([^<]*)<\/h1>/.exec(page)?.[1] ?? `the service answered ${done.status}`;
    return done.status === 200 ? `${said}.` : `The install did not complete: ${said} (${done.status}).`;
  }

  private requireInstalled(): void {
    if (!this.options.emulator.state.workspaces.get(this.options.workspace.id)?.installed) throw new ConsoleInputError('Signalcast is not installed in the workspace: install it first.', 409);
  }

  private channelOf(userId: string, raw: string | null): string {
    const { emulator, workspace } = this.options;
    const id = (raw ?? '').trim() || workspace.channels.general!;
    const channel = emulator.state.channel(workspace.id, id);
    if (!channel) throw new ConsoleInputError(`There is no channel ${id} in ${workspace.name}.`, 404);
    if (!channel.isIm && !channel.members.has(userId)) throw new ConsoleInputError(`You are not in #${channel.name}.`, 409);
    return id;
  }

  private personOf(query: URLSearchParams): DemoPerson {
    const raw = query.get(SLACK_PERSON_PARAM) ?? 'dana';
    if (!(raw in PEOPLE)) throw new ConsoleInputError(`${SLACK_PERSON_PARAM} must be one of ${Object.keys(PEOPLE).join(', ')}, got ${JSON.stringify(raw)}.`);
    return raw as DemoPerson;
  }
}

