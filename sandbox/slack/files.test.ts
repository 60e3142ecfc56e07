// Uploads through the real @slack/web-api: filesUploadV2's three steps against the emulator, and Slack's refusals for each.
import { ErrorCode, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinyPng } from '../telegram/test-client';
import { startTestWorld, type TestWorld } from './test-world';

let world: TestWorld;
let client: WebClient;
let alerts: string;

beforeEach(async () => {
  world = await startTestWorld();
  client = new WebClient(world.install.botToken, { slackApiUrl: world.emulator.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  alerts = world.ws.channels.alerts!;
  await client.conversations.join({ channel: alerts });
});
afterEach(async () => world.emulator.stop());

async function slackError(call: Promise<unknown>): Promise<string> {
  const err = (await call.then(() => undefined, (e: unknown) => e)) as WebAPIPlatformError | undefined;
  expect(err?.code).toBe(ErrorCode.PlatformError);
  return err!.data.error;
}

describe('Slack file uploads', () => {
  it('filesUploadV2 gets an upload URL on the emulator\'s port, posts the bytes there and shares the file in a thread with an initial comment', async () => {
    const parent = await client.chat.postMessage({ channel: alerts, text: 'parent' });
    const png = tinyPng(20, 10);
    const result = await client.filesUploadV2({ channel_id: alerts, thread_ts: parent.ts!, file: png, filename: 'c.png', initial_comment: 'the chart', blocks: [{ type: 'section', text: { type: 'plain_text', text: 'ignored' } }] });
    const id = (result.files as { files: { id: string }[] }[])[0]!.files[0]!.id;
    const upload = world.emulator.server.requests.find((r) => r.path === `/upload/v1/${id}`);
    expect(upload?.status).toBe(200);
    expect(world.emulator.file(id)).toMatchObject({ filename: 'c.png', length: png.length, mimetype: 'image/png', completed: true });
    const [shared] = world.emulator.threadOf(alerts, parent.ts!);
    // Slack ignores blocks when there is an initial comment.
    expect(shared).toMatchObject({ text: 'the chart', files: [{ id, name: 'c.png', size: png.length }] });
    expect(shared!.blocks).toBeUndefined();
  });

  it('refuses missing arguments, a file whose bytes never came, a file completed twice, and a private channel the bot is not in', async () => {
    expect(await slackError(client.files.getUploadURLExternal({ filename: 'a.png' } as never))).toBe('invalid_arguments');
    const { file_id, upload_url } = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    expect(upload_url!.startsWith(world.emulator.url)).toBe(true);
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: file_id! }] }))).toBe('file_not_found');
    expect((await fetch(upload_url!, { method: 'POST', body: Buffer.from('abc') })).status).toBe(200);
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: world.ws.channels['desk-private']! }))).toBe('channel_not_found');
    await client.files.completeUploadExternal({ files: [{ id: file_id! }] });
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: file_id! }] }))).toBe('file_not_found');
    expect((await fetch(upload_url!, { method: 'POST', body: Buffer.from('abc') })).status).toBe(404);
  });

  it('refuses a completion whose upload has a different length than announced', async () => {
    const { file_id, upload_url } = await client.files.getUploadURLExternal({ filename: 'a.bin', length: 10 });
    await fetch(upload_url!, { method: 'POST', body: Buffer.from('abc') });
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: file_id! }] }))).toBe('invalid_arguments');
  });

  it('counts the upload methods in Tier 4', () => {
    expect(world.emulator.limiter.tierOf('files.getUploadURLExternal')).toBe(4);
    expect(world.emulator.limiter.tierOf('files.completeUploadExternal')).toBe(4);
  });
});
