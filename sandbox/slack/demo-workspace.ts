// The sandbox's Slack workspace "Acme Trading Desk", at fixed ids so that what the database keeps
// about it (its installation, its channels' subscriptions) still names it after a restart.
import type { SlackEmulator } from './emulator';
import type { WorkspaceView } from './installs';

/** The demo workspace's fixed ids. */
export const DEMO_WORKSPACE = {
  id: 'T0ACMEDESK',
  name: 'Acme Trading Desk',
  domain: 'acme-trading-desk',
  users: { dana: 'U0DANA0001', sam: 'U0SAM00001' },
  channels: { general: 'C0GENERAL1', alerts: 'C0ALERTS01', 'desk-private': 'G0DESKPRV1' },
} as const;

/** The people a console user acts as: dana (the owner, an admin) and sam (a member). */
export type DemoPerson = keyof typeof DEMO_WORKSPACE.users;

/** Creates "Acme Trading Desk": dana (owner and admin), sam (member); public #general and #alerts, private #desk-private (dana only). */
export function createDemoWorkspace(slack: SlackEmulator): WorkspaceView {
  const { users, channels } = DEMO_WORKSPACE;
  return slack.createWorkspace({
    id: DEMO_WORKSPACE.id,
    name: DEMO_WORKSPACE.name,
    domain: DEMO_WORKSPACE.domain,
    users: [{ id: users.dana, name: 'dana', isOwner: true, isAdmin: true }, { id: users.sam, name: 'sam' }],
    channels: [
      { id: channels.general, name: 'general' },
      { id: channels.alerts, name: 'alerts' },
      { id: channels['desk-private'], name: 'desk-private', isPrivate: true, members: ['dana'] },
    ],
  });
}
