// Preparing a channel an admin chose, against the Slack emulator: joins a public one, says how to invite the bot to a private one, names the rest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspacePort } from '../../core/platform/adapter';
import { startSlackWorld, type SlackWorld } from './contract.fixtures';
import { MEMBERS_PAGE, slackWorkspacePort } from './workspace-port';

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

  it('counts the people over two pages of users.list: not bots, not a deactivated person, not Slackbot', async () => {
    const { emulator, ws } = w;
    const people = [...emulator.state.workspace(ws.id).users.values()].filter((u) => !u.isBot && !u.deleted).length;
    for (let i = 0; people + i < MEMBERS_PAGE + 5; i++) emulator.addUser(ws.id, { name: `extra${i}` });
    emulator.addUser(ws.id, { name: 'otherbot', isBot: true });
    emulator.deactivateUser(ws.id, ws.users.sam!);
    expect(await port.countMembers(ws.id)).toEqual({ ok: true, count: MEMBERS_PAGE + 4 });
    const calls = emulator.callsTo('users.list');
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => String(c.params.limit))).toEqual([String(MEMBERS_PAGE), String(MEMBERS_PAGE)]);
    expect(calls[0]!.params.cursor).toBeUndefined();
    expect(calls[1]!.params.cursor).toEqual(expect.any(String));
  });

  it('says the count cannot be read when Slack is down or refuses the token, retrying a 5xx within bounds', async () => {
    w.emulator.server.failNext({ kind: 'server_error', status: 503 }, { count: 3, match: (r) => r.path === '/api/users.list' });
    expect(await port.countMembers(w.ws.id)).toMatchObject({ ok: false, code: 'unavailable' });
    // The first try and the caller client's two retries, then no more.
    expect(w.emulator.server.requests.filter((r) => r.path === '/api/users.list')).toHaveLength(3);
    w.emulator.failNext('users.list', 'missing_scope');
    expect(await port.countMembers(w.ws.id)).toMatchObject({ ok: false, code: 'not_allowed', detail: expect.stringContaining('missing_scope') });
    expect(await port.countMembers(w.ws.id)).toMatchObject({ ok: true });
  });
});
