// The Slack section's HTML: who you are in the workspace, the app's install, /signals and your
// answers, #alerts with its threads, and the app's DMs to you.
import type { SlackMessage } from '../slack';
import { buttonForm, escapeHtml } from './html';
import { slackMessageHtml, type SlackButtonUse } from './slack-message';

type ActionUrl = (action: string) => string;

export interface SlackPersonView {
  key: string;
  name: string;
  id: string;
  role: string;
}

/** A /signals run or a click from the console, and what came of it. */
export interface SlackRunView {
  asked: string;
  /** Waiting, or what the app did with the request. */
  outcome: string;
}

export function renderSlackWho(actionUrl: ActionUrl, you: SlackPersonView, others: SlackPersonView[], workspace: string): string {
  const switches = others.map((p) => buttonForm(actionUrl('person'), `Be ${p.name} (${p.role})`, { person: p.key })).join('');
  return `<p>You are <strong>${escapeHtml(you.name)}</strong> (${escapeHtml(you.role)}), Slack user <code>${escapeHtml(you.id)}</code> in <strong>${escapeHtml(workspace)}</strong>. ${switches}</p>`;
}

export function renderInstall(actionUrl: ActionUrl, state: { installed: boolean; botUserId?: string | undefined; progress?: string | undefined; serviceKnown: boolean }): string {
  const progress = state.progress ? `<p class="meta">${escapeHtml(state.progress)}</p>` : '';
  if (state.installed) {
    return `<h3>The app</h3><p>Signalcast is installed in the workspace (bot user <code>${escapeHtml(state.botUserId ?? '')}</code>). ${buttonForm(actionUrl('uninstall'), 'Uninstall the app')}</p>${progress}`;
  }
  const install = state.serviceKnown
    ? buttonForm(actionUrl('install'), 'Install Signalcast (the service\'s /slack/install, then "Allow")')
    : '<span class="meta">The install starts once the service listens.</span>';
  return `<h3>The app</h3><p>Signalcast is <strong>not installed</strong> in the workspace. ${install}</p>${progress}`;
}

export function renderSignals(actionUrl: ActionUrl, channels: { id: string; name: string }[], installed: boolean): string {
  if (!installed) return '<h3>/signals</h3><p class="meta">Install the app first: Slack offers its command only once it is installed.</p>';
  const options = channels.map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.name)}</option>`).join('');
  const quick = ['help', 'status', 'billing', 'subscribe #alerts', 'settings #alerts band=A'].map((t) => buttonForm(actionUrl('run'), `/signals ${t}`, { text: `/signals ${t}`, channel: channels[0]?.id ?? '' })).join('');
  return `<h3>/signals</h3>
<form method="post" action="${escapeHtml(actionUrl('run'))}">
<input name="text" size="50" maxlength="2000" placeholder="/signals subscribe #alerts" aria-label="Slash command" autocomplete="off">
<label>in <select name="channel">${options}</select></label>
<button type="submit">Run</button>
</form>
<p>${quick}</p>
<p class="meta">Channel names (#alerts) go to the app as Slack escapes them (&lt;#C…|alerts&gt;).</p>`;
}

export function renderRuns(runs: SlackRunView[], answers: string[]): string {
  const asked = runs.length ? `<ul>${runs.map((r) => `<li>${r.asked}: <span class="meta">${escapeHtml(r.outcome)}</span></li>`).join('')}</ul>` : '';
  const shown = answers.length ? `<ol class="chat">${answers.join('\n')}</ol>` : '<p class="meta">No answer yet: run /signals help.</p>';
  return `<h3>Your answers (only you see them)</h3>${asked}${shown}`;
}

export function renderChannel(name: string, messages: SlackMessage[], threads: (ts: string) => SlackMessage[], use: (m: SlackMessage) => SlackButtonUse, sender: (m: SlackMessage) => string): string {
  const top = messages.filter((m) => !m.threadTs || m.threadTs === m.ts);
  if (top.length === 0) return `<h3>#${escapeHtml(name)}</h3><p class="meta">No message yet.</p>`;
  const items = top.map((m) => {
    const replies = threads(m.ts);
    const thread = replies.length ? `<ol class="chat thread">${replies.map((r) => slackMessageHtml(r, sender(r), use(r))).join('\n')}</ol>` : '';
    return slackMessageHtml(m, sender(m), use(m)).replace(/<\/li>$/, `${thread}</li>`);
  });
  return `<h3>#${escapeHtml(name)}</h3><ol class="chat">${items.join('\n')}</ol>`;
}

export function renderDm(messages: SlackMessage[], use: (m: SlackMessage) => SlackButtonUse, sender: (m: SlackMessage) => string): string {
  if (messages.length === 0) return '<h3>Direct messages from the app</h3><p class="meta">None yet.</p>';
  return `<h3>Direct messages from the app</h3><ol class="chat">${messages.map((m) => slackMessageHtml(m, sender(m), use(m))).join('\n')}</ol>`;
}
