// After a restart the Slack emulator starts empty, while the database still holds the app's install
// in the demo workspace: the emulator is told that install again (same bot token, same bot user).
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { SecretBox } from '../core/tenancy/secret-box';
import type { Db } from '../db/client';
import { SqliteInstallationStore } from '../db/stores/installation-store';
import type { SandboxSlack } from './slack-start';

/** Installs the demo workspace's active installation from the database into the emulator again; returns how many (0 or 1). */
export async function restoreSlackInstalls(db: Db, clock: Clock, secretsKey: Uint8Array | undefined, slack: SandboxSlack, logger: Logger): Promise<number> {
  if (!secretsKey) return 0;
  const store = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(secretsKey) });
  const team = slack.workspace.id;
  try {
    const install = await store.get('slack', team);
    if (!install || install.revokedAt || !install.botUserId || !install.botToken) return 0;
    const installer = install.installerPlatformUserId && slack.emulator.state.workspace(team).users.has(install.installerPlatformUserId) ? install.installerPlatformUserId : slack.workspace.users.dana!;
    slack.emulator.installApp(team, { installerId: installer, scopes: install.scopes, restore: { botToken: install.botToken.reveal(), botUserId: install.botUserId } });
    return 1;
  } catch (err) {
    // Sealed under another key, or not readable: the person installs again from the console.
    logger.warn({ code: (err as { code?: string }).code }, `sandbox: the Slack install kept in the database could not be restored (${(err as Error).message.slice(0, 160)}); install the app again from the console`);
    return 0;
  }
}
