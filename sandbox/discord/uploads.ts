// Files sent with a message, as Discord takes them: a multipart body with `payload_json` and `files[n]`
// parts, kept on the message as attachments (name, size, type, image size) with their bytes beside.
import type { APIAttachment, APIEmbed } from 'discord-api-types/v10';
import { imageSize } from '../telegram/image-size';
import { multipartBoundary, parseMultipart, type UploadedFile } from '../telegram/multipart';
import { discordErrors } from './errors';
import type { DiscordState } from './state';

/** Discord's limits on a bot's uploads: 10 files a message, 10 MiB each (a server without boosts). */
export const UPLOAD_LIMITS = { files: 10, bytes: 10 * 1024 * 1024 } as const;

/** A request's JSON body and its files: JSON as it came, or a multipart body's `payload_json` and its `files[n]` parts. */
export function readMessageBody(rawBody: Buffer, contentType: string | undefined, parsedJson: unknown): { body: unknown; files: UploadedFile[] } {
  const boundary = multipartBoundary(contentType);
  if (!boundary) return { body: parsedJson, files: [] };
  let parts;
  try {
    parts = parseMultipart(rawBody, boundary);
  } catch (err) {
    throw discordErrors.invalidForm(`multipart: ${(err as Error).message}`);
  }
  let body: unknown = {};
  if (parts.fields.payload_json !== undefined) {
    try {
      body = JSON.parse(parts.fields.payload_json);
    } catch {
      throw discordErrors.invalidForm('payload_json: not valid JSON');
    }
  }
  const files = parts.files.filter((f) => /^files\[\d+\]$/.test(f.name));
  if (files.length > UPLOAD_LIMITS.files) throw discordErrors.invalidForm(`files: at most ${UPLOAD_LIMITS.files}`);
  for (const f of files) if (f.data.length > UPLOAD_LIMITS.bytes) throw discordErrors.entityTooLarge();
  return { body, files };
}

/** The uploads as a message's attachments (ids new, urls on the emulator's CDN path), described as `attachments` in the body asks. */
export function toAttachments(state: DiscordState, channelId: string, files: readonly UploadedFile[], described: unknown): APIAttachment[] {
  const descriptions = Array.isArray(described) ? (described as { id?: unknown; description?: unknown; filename?: unknown }[]) : [];
  return files.map((file) => {
    const index = Number(/\[(\d+)\]/.exec(file.name)?.[1] ?? -1);
    const meta = descriptions.find((d) => String(d.id) === String(index));
    const filename = typeof meta?.filename === 'string' ? meta.filename : file.filename;
    const id = state.ids.next();
    const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    const size = imageSize(file.data);
    state.attachmentData.set(id, Buffer.from(file.data));
    return {
      id, filename, size: file.data.length, url, proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'),
      ...(file.contentType ? { content_type: file.contentType } : {}),
      ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
      ...(size ? { width: size.width, height: size.height } : {}),
    };
  });
}

/** Embeds whose images say `attachment://<name>` point at that attachment, as Discord resolves them; an unknown name is dropped. */
export function resolveEmbedImages(embeds: APIEmbed[], attachments: readonly APIAttachment[]): APIEmbed[] {
  const resolve = (image: APIEmbed['image']) => {
    const name = image?.url.startsWith('attachment://') ? image.url.slice('attachment://'.length) : undefined;
    if (name === undefined) return image;
    const found = attachments.find((a) => a.filename === name);
    return found ? { url: found.url, proxy_url: found.proxy_url, ...(found.width ? { width: found.width, height: found.height ?? 0 } : {}) } : undefined;
  };
  return embeds.map((embed) => {
    const image = resolve(embed.image);
    const { image: _old, ...rest } = embed;
    return image ? { ...rest, image } : rest;
  });
}
