// What reaches the service from "Slack" is checked before anything changes: forged, stale and replayed requests get 401, forged or replayed OAuth callbacks get nothing stored; every command is acknowledged in Slack's 3 s, a slow one answered later on its response_url.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { allowOnSlack, beginInstall, channelRows, installByOAuth, readable, signals } from './testing/slack-journey';
import { startSlackServiceWorld, type SlackServiceWorld } from './testing/slack-world';

const SECRET = 'slack-requests-signing-secret';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const count = (w: SlackServiceWorld, table: string) => w.service.db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
/** What a request could have changed: destinations, audit events, accounts, installations, and the Web API calls the app made. */
const footprint = (w: SlackServiceWorld) => ({
  destinations: count(w, 'destinations'), audit: count(w, 'audit_events'), accounts: count(w, 'accounts'), installations: count(w, 'installations'),
  apiCalls: w.slack.calls.filter((c) => c.method !== 'oauth.v2.access').length, responses: [...w.slack.responses.records.values()].reduce((n, r) => n + r.posts.length, 0),
});

async function installedWorld(): Promise<SlackServiceWorld> {
  const w = await startSlackServiceWorld(running, { signingSecret: SECRET });
  expect((await installByOAuth(w, w.ws.id, w.ws.users.dana!)).status).toBe(200);
  return w;
}

describe('requests signed as Slack signs them', () => {
  it('refuses a bad signature, a timestamp six minutes old and a replayed command with 401, changing nothing', async () => {
    const w = await installedWorld();
    const dana = w.ws.users.dana!;
    const text = `subscribe <#${w.ws.channels.alerts}|alerts>`;
    const before = footprint(w);

    const forged = await w.slack.slashCommand({ team: w.ws.id, user: dana, channel: w.ws.channels.general!, text, signWith: 'not-the-signing-secret-at-all' });
    const stale = await w.slack.slashCommand({ team: w.ws.id, user: dana, channel: w.ws.channels.general!, text, timestampOffsetSeconds: -360 });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect([forged.body, stale.body]).toEqual(['', '']);
    await w.service.dispatcher.idle();
    expect(footprint(w)).toEqual(before);
    expect(channelRows(w)).toEqual([]);

    // A genuine command goes through once; the same bytes sent again are refused and change nothing.
    const genuine = await signals(w, dana, text);
    expect(readable(genuine.answer)).toContain('#alerts is ready');
    await w.service.dispatcher.idle();
    const after = footprint(w);
    expect(after.destinations).toBe(1);
    const replay = await w.slack.replay(genuine.result.request!);
    expect(replay.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(footprint(w)).toEqual(after);
    expect(w.slack.callsTo('conversations.join')).toHaveLength(1);
    // The refusals are logged without the secret or the signature.
    const refusals = w.logger.records.filter((r) => /a Slack request was refused/.test(r.msg ?? ''));
    expect(refusals.map((r) => r.obj.reason)).toEqual(['signature', 'stale', 'replay']);
    expect(JSON.stringify(w.logger.records)).not.toContain(w.slack.app.signingSecret);
  });

  it('refuses an OAuth callback with a forged state, a state used already, or no cookie: 403, nothing stored, no oauth.v2.access call', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET });
    const dana = w.ws.users.dana!;
    const installations = () => count(w, 'installations');

    // Forged: a state the service never gave, with a matching cookie.
    const start = await beginInstall(w);
    const forgedBack = new URL(await allowOnSlack({ ...start, location: new URL(start.location.toString().replace(/state=[^&]+/, 'state=forged-state-0123456789abcdef')) }, w.ws.id, dana));
    const forged = await fetch(forgedBack, { headers: { cookie: 'slack_oauth_state=forged-state-0123456789abcdef' }, redirect: 'manual' });
    // No cookie: a real state, opened in a browser that did not start the install.
    const other = await beginInstall(w);
    const noCookie = await fetch(await allowOnSlack(other, w.ws.id, dana), { redirect: 'manual' });
    // Reused: a state presented once (here without its cookie) is gone, even with the cookie now.
    const reused = await fetch(await allowOnSlack(other, w.ws.id, dana), { headers: { cookie: other.cookie }, redirect: 'manual' });
    for (const res of [forged, noCookie, reused]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('This install link is not valid');
    }
    expect(installations()).toBe(0);
    expect(w.slack.callsTo('oauth.v2.access')).toEqual([]);

    // A genuine install goes through; its redirect presented again is refused and stores nothing more.
    const good = await beginInstall(w);
    const back = await allowOnSlack(good, w.ws.id, dana);
    expect((await fetch(back, { headers: { cookie: good.cookie } })).status).toBe(200);
    expect(installations()).toBe(1);
    const again = await fetch(back, { headers: { cookie: good.cookie }, redirect: 'manual' });
    expect(again.status).toBe(403);
    expect(w.slack.callsTo('oauth.v2.access')).toHaveLength(1);
    expect(installations()).toBe(1);
  });
});

describe('acknowledging Slack in time', () => {
  it('acknowledges a command within Slack\'s 3 s while Slack itself hangs under the handler, and answers later on the response_url', async () => {
    const w = await installedWorld();
    const dana = w.ws.users.dana!;
    // conversations.info (the WorkspacePort's channel check) hangs 4 s before Slack answers.
    w.slack.hang('conversations.info', { count: 1, ms: 4_000 });
    const result = await w.slack.slashCommand({ team: w.ws.id, user: dana, channel: w.ws.channels.general!, text: `subscribe <#${w.ws.channels.alerts}|alerts>` });
    // Slack's own rule: an answer within 3 s (the emulator marks it timed out otherwise).
    expect(result.timedOut).toBe(false);
    expect(result.status).toBe(200);
    expect(result.body).toBe('');
    // The handler is still waiting: past the adapter's 2 s, "Working on it…" goes to the response_url.
    await until(async () => {
      await w.clock.advance(500);
      return w.slack.responses.records.get(result.responseUrlId)!.posts.length > 0;
    }, 'the acknowledgement on the response_url');
    const record = w.slack.responses.records.get(result.responseUrlId)!;
    expect(record.posts[0]!.outcome).toBe('ephemeral');
    expect(record.posts[0]!.ephemeral!.text).toMatch(/^Working on it/);
    // Slack answers; the acknowledgement is replaced by the answer.
    const answer = await until(() => (record.latest && !record.latest.text.startsWith('Working on it') ? record.latest : undefined), 'the answer on the response_url', { timeoutMs: 15_000 });
    expect(readable(answer)).toContain('#alerts is ready');
    expect(record.posts.map((p) => p.outcome)).toEqual(['ephemeral', 'replaced']);
    expect(w.slack.ephemeralsFor(dana)).toHaveLength(1);
  });

  it('acknowledges every command of a burst, each in time, while users.info hangs', async () => {
    const w = await installedWorld();
    const { dana, alex, sam } = w.ws.users as Record<string, string>;
    w.slack.hang('users.info', { count: 3, ms: 3_500 });
    const runs = await Promise.all([dana!, alex!, sam!].map((user) => w.slack.slashCommand({ team: w.ws.id, user, channel: w.ws.channels.general!, text: 'help' })));
    expect(runs.map((r) => [r.status, r.timedOut])).toEqual([[200, false], [200, false], [200, false]]);
    for (const [i, run] of runs.entries()) {
      const record = w.slack.responses.records.get(run.responseUrlId)!;
      await until(async () => {
        await w.clock.advance(500);
        return record.latest && !record.latest.text.startsWith('Working on it') ? record.latest : undefined;
      }, `the answer to command ${i}`, { timeoutMs: 15_000 });
      expect(readable(record.latest!)).toContain('/signals subscribe');
    }
  });
});
