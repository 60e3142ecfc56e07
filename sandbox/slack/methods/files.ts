// Uploads as @slack/web-api's filesUploadV2 makes them: files.getUploadURLExternal (an id and an upload URL on the
// emulator's own port), the bytes POSTed there (raw or multipart), then files.completeUploadExternal shares the
// file in a channel (or a thread) with an initial comment or blocks.
import type { EmulatorRequest, EmulatorResponse } from '../../base/emulator';
import { multipartBoundary, parseMultipart } from '../../telegram/multipart';
import { checkBlocks, MAX_TEXT } from '../blocks';
import { SlackApiError, slackErrors } from '../errors';
import type { SharedFile, SlackFile, SlackState } from '../state';
import { checkCanPost, resolveChannel } from './chat';
import { json, required, str, workspaceOf, type SlackMethod } from './method';

/** The largest file Slack takes: 1 GB. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

const fileNotFound = () => new SlackApiError('file_not_found');

const getUploadURLExternal: SlackMethod = {
  scope: 'files:write',
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const filename = required(ctx.params, 'filename');
    const length = Number(required(ctx.params, 'length'));
    if (!Number.isInteger(length) || length <= 0) throw slackErrors.invalidArguments('length must be a positive integer');
    if (length > MAX_FILE_BYTES) throw new SlackApiError('file_upload_size_restricted');
    const id = ctx.state.ids.next('F');
    const altText = str(ctx.params, 'alt_text');
    const file: SlackFile = { id, team: ws.id, user: ctx.auth?.userId ?? '', filename, length, completed: false, ...(altText ? { altText } : {}) };
    ctx.state.files.set(id, file);
    return { upload_url: ctx.hooks.uploadUrl(id), file_id: id };
  },
};

/** The `files` argument: `[{ id, title? }]`, as JSON in a form or as a value. */
function filesArgument(params: Record<string, unknown>): { id: string; title?: string }[] {
  const raw = json(params, 'files');
  if (!Array.isArray(raw) || raw.length === 0) throw slackErrors.invalidArguments('missing required field: files');
  return raw.map((f) => {
    const entry = f as { id?: unknown; title?: unknown };
    if (typeof entry.id !== 'string') throw slackErrors.invalidArguments('files[].id must be a string');
    return typeof entry.title === 'string' ? { id: entry.id, title: entry.title } : { id: entry.id };
  });
}

const completeUploadExternal: SlackMethod = {
  scope: 'files:write',
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const wanted = filesArgument(ctx.params);
    const files = wanted.map(({ id, title }) => {
      const file = ctx.state.files.get(id);
      // A file of another workspace, or one whose bytes never reached the upload URL, is not there.
      if (!file || file.team !== ws.id || !file.data || file.completed) throw fileNotFound();
      if (file.data.length !== file.length) throw slackErrors.invalidArguments(`file ${id}: ${file.data.length} bytes uploaded, ${file.length} announced`);
      return { file, title: title ?? file.filename };
    });
    const channelRef = str(ctx.params, 'channel_id') ?? str(ctx.params, 'channels');
    const channel = channelRef ? resolveChannel(ctx.state, ws, channelRef) : undefined;
    if (channel) checkCanPost(ctx, channel);
    // Slack ignores blocks when there is an initial comment.
    const comment = str(ctx.params, 'initial_comment');
    const blocks = comment === undefined ? json(ctx.params, 'blocks') : undefined;
    if (comment !== undefined && comment.length > MAX_TEXT) throw slackErrors.msgTooLong();
    if (blocks !== undefined) {
      const problems = checkBlocks(blocks);
      if (problems.length > 0) throw slackErrors.invalidBlocks(problems);
    }
    for (const { file, title } of files) {
      file.completed = true;
      file.title = title;
    }
    const shared: SharedFile[] = files.map(({ file, title }) => ({
      id: file.id, name: file.filename, title, mimetype: file.mimetype ?? 'application/octet-stream', size: file.length, ...(file.altText ? { altText: file.altText } : {}),
    }));
    if (channel) {
      const threadTs = str(ctx.params, 'thread_ts');
      ctx.state.messagesIn(channel.id).push({
        ts: ctx.state.ids.ts(), channel: channel.id, team: ws.id, user: ctx.auth?.userId ?? '',
        ...(ctx.auth?.kind === 'bot' && ws.bot?.botId ? { botId: ws.bot.botId } : {}),
        text: comment ?? '', ...(Array.isArray(blocks) && blocks.length > 0 ? { blocks: blocks as unknown[] } : {}),
        ...(threadTs ? { threadTs } : {}), files: shared, edits: [], via: 'api',
      });
    }
    return { files: shared.map((f) => ({ id: f.id, title: f.title, name: f.name, mimetype: f.mimetype, size: f.size })) };
  },
};

export const fileMethods: Record<string, SlackMethod> = {
  'files.getUploadURLExternal': getUploadURLExternal,
  'files.completeUploadExternal': completeUploadExternal,
};

/** The upload URL: takes the bytes once (a raw body, or the file part of a multipart form) and answers "OK - <bytes>" as Slack's does. */
export function receiveUpload(state: SlackState, req: EmulatorRequest): EmulatorResponse {
  const file = state.files.get(req.params.id ?? '');
  const text = (status: number, body: string): EmulatorResponse => ({ status, headers: { 'content-type': 'text/plain' }, body });
  if (!file || file.completed) return text(404, 'Not Found');
  const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : undefined;
  const boundary = multipartBoundary(contentType);
  if (boundary) {
    let part;
    try {
      part = parseMultipart(req.rawBody, boundary).files[0];
    } catch {
      return text(400, 'Bad Request');
    }
    if (!part) return text(400, 'Bad Request');
    file.data = part.data;
    if (part.contentType && part.contentType !== 'application/octet-stream') file.mimetype = part.contentType;
  } else {
    file.data = Buffer.from(req.rawBody);
    if (contentType && !contentType.startsWith('application/octet-stream')) file.mimetype = contentType;
  }
  file.mimetype ??= sniffType(file.data);
  return text(200, `OK - ${file.data.length}`);
}

/** The type Slack would see in the bytes: PNG by its signature, else unknown. */
function sniffType(data: Buffer): string | undefined {
  return data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ? 'image/png' : undefined;
}
