// Slack's ChatPlatform over @slack/web-api: Block Kit posts and edits per workspace token; 429s handed to the dispatcher, a dead token remembered.
import type { ChatPlatform, PlatformLimits, RouteRef, SendResult } from '../../core/delivery/chat-platform';
import { DeliveryError } from '../../core/errors';
import type { OutboundMessage, Recipient } from '../../core/types';
import { isTokenError, slackErrorOf, toDeliveryError } from './errors';
import { POST_ROUTE, SLACK_LIMITS } from './limits';
import { renderMessage } from './render';
import type { SlackWorkspaces, WorkspaceToken } from './workspaces';

export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  readonly defaultLimits: PlatformLimits = SLACK_LIMITS;

  constructor(private readonly workspaces: SlackWorkspaces) {}

  /** chat.postMessage's window is per workspace: the route is the method, the bucket the workspace. */
  routeOf(to: Recipient): RouteRef {
    return { route: POST_ROUTE, bucket: `${POST_ROUTE}:${to.tenant ?? ''}` };
  }

  /** Posts to the channel, or to the person (`channel` = their user id) for a notice; the message's id is its `ts`. */
  async send(to: Recipient, message: OutboundMessage): Promise<SendResult> {
    const token = await this.tokenFor(to);
    try {
      const result = await this.workspaces.sender(token).chat.postMessage({ channel: to.chatId, ...renderMessage(message) });
      if (!result.ts) throw DeliveryError.temporary('Slack accepted the message without a ts', { platformCode: 'no_ts' });
      return { messageId: result.ts };
    } catch (err) {
      throw await this.failure(token, err);
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
