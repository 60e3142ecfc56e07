// What a Slack workspace's people do in the journey tests: install the app through /slack/install and Slack's authorize page, run /signals and read the ephemeral answer, pay at the checkout it links to, read the channel.
import { until } from '../../core/testing/until';
import type { EphemeralMessage, InteractionResult, SlackMessage } from '../../sandbox/slack';
import type { SlackServiceWorld } from './slack-world';

export { payAt, publishSignal } from './discord-journey';

/** A browser's visit to GET /slack/install: where the service sent it, and the state cookie it set. */
export interface InstallStart {
  location: URL;
  /** `slack_oauth_state=…`, as the browser sends it back. */
  cookie: string;
}

/** A browser opens the service's install link (`w.url` is the service's address). */
export async function beginInstall(w: Pick<SlackServiceWorld, 'url'>): Promise<InstallStart> {
  const res = await fetch(`${w.url}/slack/install`, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`GET /slack/install answered ${res.status}`);
  return { location: new URL(res.headers.get('location') ?? ''), cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

/**
 * On Slack's authorize page the start led to, `user` of `team` clicks "Allow" (the page's form, as a
 * browser posts it): the redirect back to the service, with its code and state. `scopes`, when given,
 * are what the install grants instead of what the page asked for (an install made by an older version
 * of the app, before it asked for a scope).
 */
export async function allowOnSlack(start: InstallStart, team: string, user: string, scopes?: readonly string[]): Promise<string> {
  const page = await fetch(start.location);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`the authorize page answered ${page.status}: ${html}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, value!.replace(/&amp;/g, '&'));
  form.set('person', `${team}:${user}`);
  if (scopes) form.set('scope', scopes.join(','));
  const allowed = await fetch(new URL(action, start.location), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
  const back = allowed.headers.get('location');
  if (allowed.status !== 302 || !back) throw new Error(`"Allow" answered ${allowed.status}: ${await allowed.text()}`);
  return back;
}

/** The whole install as an admin makes it: /slack/install, "Allow" on Slack (granting `scopes` when given), back to /slack/oauth_redirect with the cookie. The page the service shows at the end. */
export async function installByOAuth(w: Pick<SlackServiceWorld, 'url'>, team: string, user: string, scopes?: readonly string[]): Promise<{ status: number; text: string }> {
  const start = await beginInstall(w);
  const back = await allowOnSlack(start, team, user, scopes);
  const res = await fetch(back, { headers: { cookie: start.cookie }, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

/** What a person reads of an ephemeral or channel message: its blocks' texts (header, section, fields, context), else its fallback text. */
export function readable(message: Pick<SlackMessage, 'text' | 'blocks'>): string {
  type Obj = Record<string, unknown>;
  const textOf = (t: unknown): string => (typeof t === 'object' && t !== null ? String((t as Obj).text ?? '') : '');
  if (!message.blocks || message.blocks.length === 0) return message.text;
  return (message.blocks as Obj[]).flatMap((b) => [
    textOf(b.text),
    ...((b.fields as unknown[] | undefined) ?? []).map(textOf),
    ...(b.type === 'context' ? ((b.elements as unknown[] | undefined) ?? []).map(textOf) : []),
  ]).filter(Boolean).join('\n');
}

/** The URLs of the link buttons on a message. */
export function linkButtons(message: Pick<EphemeralMessage, 'blocks'>): string[] {
  return ((message.blocks ?? []) as { type?: string; elements?: { url?: unknown }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).flatMap((e) => (typeof e.url === 'string' ? [e.url] : [])));
}

export interface CommandRun {
  result: InteractionResult;
  /** The final answer the person sees (their acknowledgement replaced by it, if there was one). */
  answer: EphemeralMessage;
}

/** `user` runs `/signals <text>` in `channel` (#general by default) and reads the final ephemeral answer. */
export async function signals(w: SlackServiceWorld, user: string, text: string, options: { team?: string; channel?: string } = {}): Promise<CommandRun> {
  const team = options.team ?? w.ws.id;
  const result = await w.slack.slashCommand({ team, user, channel: options.channel ?? w.slack.state.workspace(team).channels.values().next().value!.id, text });
  if (result.status !== 200) throw new Error(`/signals ${text} answered HTTP ${result.status}`);
  const answer = await until(() => {
    const latest = w.slack.responses.records.get(result.responseUrlId)?.latest;
    return latest && !latest.deleted && !latest.text.startsWith('Working on it') ? latest : undefined;
  }, `the answer to /signals ${text}`);
  return { result, answer };
}

/** The alert messages about `symbol` in a channel (thread replies left out). */
export function alertsIn(w: SlackServiceWorld, channelId: string, symbol: string): SlackMessage[] {
  return w.slack.messagesIn(channelId).filter((m) => (!m.threadTs || m.threadTs === m.ts) && m.text.includes(symbol));
}

/** What the app sent a person by DM, oldest first. */
export function dmsTo(w: SlackServiceWorld, user: string, team = w.ws.id): SlackMessage[] {
  return w.slack.messagesIn(w.slack.dmChannel(team, user));
}

/** chat.postMessage calls to a channel (or a person's id, for a DM), with their outcome. */
export function postsTo(w: SlackServiceWorld, channel: string): { ok: boolean; status: number; error?: string | undefined }[] {
  return w.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === channel).map((c) => ({ ok: c.ok, status: c.status, error: c.error }));
}

/** The destination rows of the workspace's channels: label, enabled, disabled reason. */
export function channelRows(w: SlackServiceWorld, team = w.ws.id): { label: string; enabled: number; disabled_reason: string | null }[] {
  return w.service.db.$client.prepare(`SELECT label, enabled, disabled_reason FROM destinations WHERE tenant = ? AND kind = 'channel' ORDER BY ref`).all(team) as { label: string; enabled: number; disabled_reason: string | null }[];
}
