// The console's Slack section over real HTTP, against the whole service in sandbox mode on the Slack
// emulator: install through /slack/install and "Allow", /signals and its answers, the people.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createService } from '../../app/service';
import { loadConfig } from '../../config';
import { DEFAULT_PLANS } from '../../core/plans';
import { recordingLogger } from '../../core/testing/logger';
import { until } from '../../core/testing/until';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { startSandbox, type Sandbox } from '../index';
import { DEMO_WORKSPACE } from '../slack';
import { submitForm } from './testing/submit';

const running: (() => Promise<void>)[] = [];
let sandbox: Sandbox;
let consoleUrl: string;

beforeEach(async () => {
  const logger = recordingLogger();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: 'slack-section-signing-secret', LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger });
  running.push(() => sandbox.stop());
  const service = createService({ config: sandbox.config, logger, db: openMemoryDatabase(), plans: sandbox.plans, cron: idleCron });
  running.push(async () => {
    await service.stop();
    service.db.$client.close();
  });
  sandbox.attach(await service.start());
  consoleUrl = sandbox.consoleUrl ?? '';
});

afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const slackPart = async (query = '') => {
  const html = await (await fetch(`${consoleUrl}${query}`)).text();
  return html.slice(html.indexOf('<section id="slack">'), html.indexOf('<section id="stripe">'));
};
const post = (action: string, fields: Record<string, string>, query = '') => submitForm(`${consoleUrl}slack/${action}${query}`, fields);

describe('the console page for Slack', () => {
  it('installs the app as dana through the service\'s /slack/install and "Allow", then runs /signals help and sees the ephemeral answer', async () => {
    const before = await slackPart();
    expect(before).toContain(`You are <strong>dana</strong> (the owner, an admin), Slack user <code>${DEMO_WORKSPACE.users.dana}</code> in <strong>Acme Trading Desk</strong>`);
    expect(before).toContain('Signalcast is <strong>not installed</strong>');
    expect((await post('install', {})).location).toMatch(/^\/\?notice=Installing/);
    await until(async () => (await slackPart()).includes('Signalcast is installed in the workspace'), 'the install', { timeoutMs: 8_000, everyMs: 25 });
    const emulator = sandbox.slack!.emulator;
    expect(emulator.callsTo('oauth.v2.access')).toMatchObject([{ ok: true }]);
    expect(await slackPart()).toContain('Signalcast is installed in Acme Trading Desk.');

    expect(await post('run', { text: '/signals help', channel: DEMO_WORKSPACE.channels.general })).toEqual({ status: 303, location: '/' });
    const answered = await until(async () => {
      const html = await slackPart();
      return html.includes('acknowledged in') && html.includes('only you can see this') ? html : undefined;
    }, 'the answer to /signals help', { timeoutMs: 8_000, everyMs: 25 });
    expect(answered).toContain('You ran <code>/signals help</code> in #general');
    expect(emulator.ephemeralsFor(DEMO_WORKSPACE.users.dana)[0]?.text).toMatch(/\S/);
    console.log(answered);
  });
});
