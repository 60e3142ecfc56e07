// Slack's ChatPlatform over @slack/web-api: Block Kit posts, threads, edits and chart uploads per workspace token; 429s handed to the dispatcher, a dead token remembered.
import type { ChatPlatform, PlatformLimits, RouteRef, SendResult } from '../../core/delivery/chat-platform';
import { DeliveryError } from '../../core/errors';
import type { ContentKind, OutboundMessage, Recipient } from '../../core/types';
import { isTokenError, slackErrorOf, toDeliveryError } from './errors';
import { POST_ROUTE, SLACK_LIMITS } from './limits';
import { renderAlertWithStatus, renderMessage, renderSnapshotUpload } from './render';
import type { SlackWorkspaces, WorkspaceToken } from './workspaces';
import { silentLogger, type Logger } from '../../core/logger';

type Snapshot = Extract<OutboundMessage, { kind: 'snapshot' }>;
type Update = Extract<OutboundMessage, { kind: 'update' }>;

export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  readonly defaultLimits: PlatformLimits = SLACK_LIMITS;
  private readonly logger: Logger;

  constructor(private readonly workspaces: SlackWorkspaces, options: { logger?: Logger | undefined } = {}) {
    this.logger = options.logger ?? silentLogger;
  }

  /** chat.postMessage's window is per workspace: the route is the method, the bucket the workspace. */
  routeOf(to: Recipient): RouteRef {
    return { route: POST_ROUTE, bucket: `${POST_ROUTE}:${to.tenant ?? ''}` };
  }

  /** An update also edits its alert (chat.update); a snapshot's chart is three calls (upload URL, upload, complete). */
  requestsFor(_to: Recipient, kind: ContentKind): number {
    return kind === 'update' ? 2 : kind === 'snapshot' ? 3 : 1;
  }

  /**
   * Posts to the channel, or to the person (`channel` = their user id) for a notice; the message's id is its `ts`.
   * A rationale or an update goes in its alert's thread, and an update then marks the alert's status;
   * a snapshot with a chart is an upload (its id is the file's).
   */
  async send(to: Recipient, message: OutboundMessage): Promise<SendResult> {
    const token = await this.tokenFor(to);
    if (message.kind === 'snapshot' && message.chart) return this.upload(token, to, message);
    let ts: string;
    try {
      const result = await this.workspaces.sender(token).chat.postMessage({ channel: to.chatId, ...renderMessage(message) });
      if (!result.ts) throw DeliveryError.temporary('Slack accepted the message without a ts', { platformCode: 'no_ts' });
      ts = result.ts;
    } catch (err) {
      throw await this.failure(token, err);
    }
    if (message.kind === 'update' && message.replyToMessageId && !message.replyToDigest) await this.markStatus(token, to, message.replyToMessageId, message);
    return { messageId: ts };
  }

  /**
   * The chart as filesUploadV2 uploads it: files.getUploadURLExternal, the bytes to the upload URL,
   * files.completeUploadExternal sharing it in the channel with the snapshot's blocks.
   */
  private async upload(token: WorkspaceToken, to: Recipient, message: Snapshot): Promise<SendResult> {
    const upload = renderSnapshotUpload(message);
    try {
      const result = await this.workspaces.sender(token).filesUploadV2({
        channel_id: to.chatId, file: Buffer.from(message.chart!.png), filename: upload.filename, title: upload.title, alt_text: upload.altText, blocks: upload.blocks,
      });
      const fileId = (result.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0]?.id;
      if (!fileId) throw DeliveryError.temporary('Slack finished the upload without a file id', { platformCode: 'no_file' });
      return { messageId: fileId };
    } catch (err) {
      // A workspace that installed the app before it asked for files:write: the snapshot goes as text.
      if (slackErrorOf(err) === 'missing_scope') {
        this.logger.warn({ team: to.tenant }, "Slack refused the snapshot's chart (missing_scope files:write): sent as text; reinstall the app in this workspace to give it the scope");
        return this.send(to, { ...message, chart: undefined });
      }
      throw await this.failure(token, err);
    }
  }

  /**
   * chat.update of the alert with a Status field. Best effort: the update is already in the thread,
   * so a failed edit (the alert deleted, a 429, an outage) is logged and the update counts as sent.
   */
  private async markStatus(token: WorkspaceToken, to: Recipient, alertTs: string, message: Update): Promise<void> {
    const { thread_ts: _thread, ...body } = renderAlertWithStatus(message.signal, message.updates, message.alertDelayedMinutes);
    try {
      await this.workspaces.sender(token).chat.update({ channel: to.chatId, ts: alertTs, ...body });
    } catch (err) {
      const failure = await this.failure(token, err);
      this.logger.warn({ team: to.tenant, channel: to.chatId, alertTs, update: message.update.id, error: failure.message }, "the update went but the alert's status could not be edited");
    }
  }

  /** chat.update: the new blocks and text replace the old ones. */
  async edit(to: Recipient, messageId: string, message: OutboundMessage): Promise<void> {
    const token = await this.tokenFor(to);
    const { thread_ts: _thread, ...body } = renderMessage(message);
    try {
      await this.workspaces.sender(token).chat.update({ channel: to.chatId, ts: messageId, ...body });
    } catch (err) {
      throw await this.failure(token, err);
    }
  }

  private async tokenFor(to: Recipient): Promise<WorkspaceToken> {
    if (to.platform !== 'slack') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on slack`, 'bad_request');
    if (!to.tenant) throw DeliveryError.permanent('a Slack recipient needs its workspace (tenant)', 'bad_request');
    const token = await this.workspaces.tokenOf(to.tenant);
    if (!token) throw DeliveryError.permanent(this.workspaces.whyNot(to.tenant), 'unauthorized', { platformCode: 'no_token' });
    return token;
  }

  /** A refused token is remembered (and an installation marked revoked) before the error goes back. */
  private async failure(token: WorkspaceToken, err: unknown): Promise<DeliveryError> {
    if (isTokenError(err)) await this.workspaces.refused(token, slackErrorOf(err) ?? 'invalid_auth');
    return toDeliveryError(err);
  }
}
