// A started emulator with one workspace (an owner, an admin, a member; public, private and archived
// channels) and the app installed, as the Slack emulator's tests start from.
import type { Clock } from '../../core/clock';
import { startSlackEmulator, type SlackEmulator, type SlackEmulatorOptions } from './emulator';
import type { InstallResult, WorkspaceView } from './installs';

export interface TestWorld {
  emulator: SlackEmulator;
  ws: WorkspaceView;
  install: InstallResult;
}

export async function startTestWorld(options: SlackEmulatorOptions & { clock?: Clock; install?: boolean } = {}): Promise<TestWorld> {
  const emulator = await startSlackEmulator(options);
  const ws = emulator.createWorkspace({
    name: 'Acme Trading Desk',
    users: [{ name: 'dana', isOwner: true }, { name: 'alex', isAdmin: true }, { name: 'sam' }],
    channels: [{ name: 'general' }, { name: 'alerts' }, { name: 'desk-private', isPrivate: true, members: ['dana'] }, { name: 'old', isArchived: true }],
  });
  const install = emulator.installApp(ws.id, { installerId: ws.users.dana! });
  return { emulator, ws, install };
}
