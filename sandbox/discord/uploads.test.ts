// The Discord emulator's message uploads and replies, through @discordjs/rest: payload_json with files[n], Discord's refusals.
import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes, type APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinyPng } from '../telegram/test-client';
import { startDiscordEmulator, type DiscordEmulator } from './index';

let emulator: DiscordEmulator;
let rest: REST;
let channelId: string;

beforeEach(async () => {
  emulator = await startDiscordEmulator({ gatewayUrl: 'ws://127.0.0.1:9/gateway' });
  rest = new REST({ api: emulator.apiUrl, retries: 0 }).setToken(emulator.token);
  channelId = emulator.createGuild({ channels: ['signals'] }).channels.signals!;
});
afterEach(async () => emulator.stop());

describe('Discord emulator uploads and replies', () => {
  it('keeps each uploaded file as an attachment with its name, size, type and image size, and a file-only message is not empty', async () => {
    const png = tinyPng(30, 20);
    const sent = (await rest.post(Routes.channelMessages(channelId), {
      body: { attachments: [{ id: 0, description: 'a chart' }] },
      files: [{ name: 'chart.png', data: png, contentType: 'image/png' }, { name: 'notes.txt', data: Buffer.from('hello'), contentType: 'text/plain' }],
    })) as APIMessage;
    expect(sent.attachments).toEqual([
      expect.objectContaining({ filename: 'chart.png', size: png.length, content_type: 'image/png', width: 30, height: 20, description: 'a chart' }),
      expect.objectContaining({ filename: 'notes.txt', size: 5, content_type: 'text/plain' }),
    ]);
    expect(emulator.attachmentBytes(sent.attachments[1]!.id)?.toString()).toBe('hello');
  });

  it('drops an embed image that names no uploaded file, as Discord does', async () => {
    const sent = (await rest.post(Routes.channelMessages(channelId), { body: { embeds: [{ title: 'x', image: { url: 'attachment://missing.png' } }] } })) as APIMessage;
    expect(sent.embeds[0]?.image).toBeUndefined();
  });

  it('refuses more than ten files, and a reply to a missing message unless fail_if_not_exists is false', async () => {
    const files = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') }));
    await expect(rest.post(Routes.channelMessages(channelId), { body: { content: 'many' }, files })).rejects.toMatchObject({ status: 400, code: 50035 });
    const reply = rest.post(Routes.channelMessages(channelId), { body: { content: 're', message_reference: { message_id: '1234567890' } } });
    await expect(reply).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(reply).rejects.toMatchObject({ status: 400, code: 50035 });
    const loose = (await rest.post(Routes.channelMessages(channelId), { body: { content: 're', message_reference: { message_id: '1234567890', fail_if_not_exists: false } } })) as APIMessage;
    expect(loose).toMatchObject({ type: 0 });
    expect(loose.message_reference).toBeUndefined();
  });
});
