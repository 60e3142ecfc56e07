// Preparing a channel an admin chose, against the Slack emulator: joins a public one, says how to invite the bot to a private one, names the rest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspacePort } from '../../core/platform/adapter';
import { startSlackWorld, type SlackWorld } from './contract.fixtures';
import { slackWorkspacePort } from './workspace-port';

let w: SlackWorld;
let port: WorkspacePort;
beforeEach(async () => {
  w = await startSlackWorld();
  port = slackWorkspacePort(w.workspaces);
});
afterEach(async () => w.stop());

describe('the Slack workspace port', () => {
  it('joins a public channel the bot is not in, and takes one it is in as it is', async () => {
    const lobby = w.ws.channels.lobby!;
    expect(await port.prepareChannel(w.ws.id, lobby)).toEqual({ ok: true, label: '#lobby', isPrivate: false });
    expect(w.emulator.callsTo('conversations.join').map((c) => c.params.channel)).toEqual([lobby]);
    expect(w.emulator.state.workspace(w.ws.id).channels.get(lobby)!.members.has(w.install.botUserId)).toBe(true);
    expect(await port.prepareChannel(w.ws.id, w.ws.channels.alerts!)).toEqual({ ok: true, label: '#alerts', isPrivate: false });
    expect(w.emulator.callsTo('conversations.join')).toHaveLength(1);
  });

  it('asks to be invited to a private channel it is not in (Slack hides it from the bot: channel_not_found)', async () => {
    const result = await port.prepareChannel(w.ws.id, w.ws.channels['desk-private']!);
    expect(result).toMatchObject({ ok: false, code: 'not_found' });
    expect(!result.ok && result.detail).toMatch(/if it is private, invite me with \/invite @\S+ in it, then run the command again/);
    expect(w.emulator.callsTo('conversations.join')).toEqual([]);
  });

  it('names an archived channel, a missing one, a refused token and an unreachable Slack', async () => {
    expect(await port.prepareChannel(w.ws.id, w.ws.channels.old!)).toMatchObject({ ok: false, code: 'archived' });
    expect(await port.prepareChannel(w.ws.id, 'C0NONE')).toMatchObject({ ok: false, code: 'not_found' });
    w.emulator.failNext('conversations.info', 'invalid_auth');
    expect(await port.prepareChannel(w.ws.id, w.ws.channels.alerts!)).toMatchObject({ ok: false, code: 'not_allowed' });
    // The refused token is remembered: no more calls for this workspace.
    const calls = w.emulator.calls.length;
    expect(await port.prepareChannel(w.ws.id, w.ws.channels.alerts!)).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(w.emulator.calls.length).toBe(calls);
    const { ws: other } = await w.oauthWorkspace('Beta Fund');
    w.emulator.server.failNext({ kind: 'server_error', status: 503 }, { count: 3, match: (r) => r.path === '/api/conversations.info' });
    expect(await port.prepareChannel(other.id, other.channels.alerts!)).toMatchObject({ ok: false, code: 'unavailable' });
  });
});
