// The sandbox's Slack: the emulator on 127.0.0.1 with the demo workspace "Acme Trading Desk", and the
// app configured for OAuth installs with credentials made up here, its request URL the service's.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { createDemoWorkspace, startSlackEmulator, type SlackEmulator, type WorkspaceView } from './slack';

/** The SLACK_* settings the service runs with against the emulator. */
export interface SandboxSlackSettings {
  signingSecret: string;
  clientId: string;
  clientSecret: string;
  apiUrl: string;
  authorizeUrl: string;
}

/** The Slack emulator the sandbox runs, its demo workspace, and the settings pointing the service at it. */
export interface SandboxSlack {
  readonly emulator: SlackEmulator;
  readonly workspace: WorkspaceView;
  readonly settings: SandboxSlackSettings;
  /** Once the service listens: the app's request URL becomes `<serviceUrl>/slack/events`, and its redirect `<publicUrl>/slack/oauth_redirect`. */
  attach(serviceUrl: string, publicUrl?: string): void;
  stop(): Promise<void>;
}

/** The Request URL path the Slack adapter mounts (names fixed across the Slack work). */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Starts the Slack emulator (127.0.0.1 only) with the demo workspace (dana the owner, sam a member;
 * #general, #alerts, private #desk-private) and the app set up for OAuth v2: a client id, client
 * secret and signing secret made up for this run. The app is not installed: a person installs it
 * from the console (the service's /slack/install, then "Allow" on the emulator's page).
 */
export async function startSandboxSlack(options: { clock: Clock; logger: Logger }): Promise<SandboxSlack> {
  const emulator = await startSlackEmulator({ clock: options.clock });
  try {
    const app = emulator.configureApp({
      clientId: `${1000000000 + randomBytes(4).readUInt32BE() % 1000000000}.${1000000000 + randomBytes(4).readUInt32BE() % 1000000000}`,
      clientSecret: randomBytes(16).toString('hex'),
      signingSecret: randomBytes(16).toString('hex'),
      socketMode: false,
    });
    const workspace = createDemoWorkspace(emulator);
    const settings: SandboxSlackSettings = { signingSecret: app.signingSecret, clientId: app.clientId, clientSecret: app.clientSecret, apiUrl: emulator.apiUrl, authorizeUrl: emulator.authorizeUrl };
    options.logger.info({ slack: emulator.apiUrl, workspace: workspace.id },
      `sandbox: Slack emulator at ${emulator.url} (workspace "${workspace.name}" ${workspace.id}: dana the owner, sam a member; #general, #alerts, private #desk-private)`);
    return {
      emulator,
      workspace,
      settings,
      attach(serviceUrl, publicUrl) {
        const base = serviceUrl.replace(/\/+$/, '');
        emulator.configureApp({ requestUrl: `${base}${SLACK_EVENTS_PATH}`, redirectUrls: [`${(publicUrl ?? base).replace(/\/+$/, '')}/slack/oauth_redirect`] });
        options.logger.info({ requestUrl: `${base}${SLACK_EVENTS_PATH}` }, `sandbox: the Slack emulator sends commands, clicks and events to ${base}${SLACK_EVENTS_PATH}`);
      },
      stop: () => emulator.stop(),
    };
  } catch (err) {
    await emulator.stop();
    throw err;
  }
}
