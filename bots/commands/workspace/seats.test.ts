// /signals with a plan priced per seat: the Checkout link asks for the workspace's people, status shows them, and a count that cannot be read changes nothing.
import { describe, expect, it } from 'vitest';
import { COMMAND_PLANS, only } from '../commands.fixtures';
import { channelId, TEAM, workspaceWorld, type WorkspaceWorld } from './workspace.fixtures';

const admin = { admin: true };
const PER_SEAT_PLANS = {
  ...COMMAND_PLANS,
  plans: COMMAND_PLANS.plans.map((p) => (p.id === 'enterprise' ? { ...p, access: [{ platform: 'slack', kind: 'workspace' as const, id: 'licence', options: { seats: 'per-member' } }] } : p)),
};

async function perSeatWorld(members: number): Promise<WorkspaceWorld> {
  const w = workspaceWorld({ plans: PER_SEAT_PLANS });
  w.port.members = members;
  await w.install();
  return w;
}

async function accountId(w: WorkspaceWorld): Promise<string | null> {
  return (await w.installations.get('slack', TEAM))?.accountId ?? null;
}

describe('/signals with a plan priced per seat', () => {
  it('asks Checkout for one seat per person and says how many on the button', async () => {
    const w = await perSeatWorld(12);
    const reply = only(await w.signals('U_ADMIN', 'subscribe #alerts', admin));
    expect(reply.buttons).toEqual([[{ label: 'Subscribe the workspace to Enterprise (12 seats)', url: 'http://127.0.0.1:1/checkout/cs_test_1' }]]);
    expect(w.billing.checkouts).toEqual([{ accountId: await accountId(w), planId: 'enterprise', identity: { platform: 'slack', platformUserId: 'U_ADMIN' }, quantity: 12 }]);
    const billing = only(await w.signals('U_ADMIN', 'billing', admin));
    expect(billing.buttons?.[0]?.[0]).toMatchObject({ label: 'Subscribe the workspace to Enterprise (12 seats)' });
    expect(w.billing.checkouts[1]).toMatchObject({ quantity: 12 });
  });

  it('asks for at least one seat when the workspace has no people to count', async () => {
    const w = await perSeatWorld(0);
    const reply = only(await w.signals('U_ADMIN', 'subscribe #alerts', admin));
    expect(reply.buttons?.[0]?.[0]).toMatchObject({ label: 'Subscribe the workspace to Enterprise (1 seat)' });
    expect(w.billing.checkouts[0]).toMatchObject({ quantity: 1 });
  });

  it('says the seat count could not be read and changes nothing: no channel, no account, no link', async () => {
    const w = await perSeatWorld(12);
    w.port.countProblem = { code: 'unavailable', detail: 'Slack could not be reached (timeout); try again in a minute' };
    const reply = only(await w.signals('U_ADMIN', 'subscribe #alerts', admin));
    expect(reply.text).toBe('The seat count could not be read (Slack could not be reached (timeout); try again in a minute). Nothing changed and no payment link was made: please try again in a minute.');
    expect(reply.buttons).toBeUndefined();
    expect(w.port.prepared).toEqual([]);
    expect(await w.accounts.findDestinationByRecipient({ platform: 'slack', tenant: TEAM, chatId: channelId('alerts') })).toBeNull();
    expect(await accountId(w)).toBeNull();
    expect(only(await w.signals('U_ADMIN', 'billing', admin)).buttons).toBeUndefined();
    expect(w.billing.checkouts).toEqual([]);
  });

  it('asks for no quantity for a plan with one price per workspace', async () => {
    const w = workspaceWorld();
    await w.install();
    w.port.countProblem = { code: 'unavailable', detail: 'down' };
    const reply = only(await w.signals('U_ADMIN', 'subscribe #alerts', admin));
    expect(reply.buttons?.[0]?.[0]).toMatchObject({ label: 'Subscribe the workspace to Enterprise' });
    expect(w.billing.checkouts[0]?.quantity).toBeUndefined();
  });

  it('shows the people in the workspace now under a per-seat licence, and says when they cannot be counted', async () => {
    const w = await perSeatWorld(12);
    await w.signals('U_ADMIN', 'subscribe #alerts', admin);
    await w.accounts.upsertSubscription({ accountId: (await accountId(w))!, planId: 'enterprise', status: 'active', stripeSubscriptionId: 'sub_ws', currentPeriodEnd: Date.UTC(2026, 1, 5) });
    const lines = only(await w.signals('U_MEMBER', 'status')).text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Workspace: Acme Desk.', 'Licence: Enterprise (active), renews on 5 Feb 2026.', 'Priced per seat: 12 people in the workspace now.']);
    w.port.countProblem = { code: 'unavailable', detail: 'Slack could not be reached (timeout); try again in a minute' };
    expect(only(await w.signals('U_MEMBER', 'status')).text.split('\n')[2]).toBe('Priced per seat. The seat count could not be read (Slack could not be reached (timeout); try again in a minute).');
  });
});
