// The test platform's access gate: the bot adds people to gated chats and gives roles below its own, and takes them away.
import type { NoticeSink } from '../../core/access/notices';
import { resourceKey, type AccessGate, type AccessHolder, type AccessOutcome, type AccessPerson, type AccessResource, type NotifyResult } from '../../core/access/ports';
import type { Logger } from '../../core/logger';
import { accessFailureCode, networkReason, readError } from './errors';
import type { JsonAnswer } from './http-client';
import type { TestchatApi } from './platform';

export interface TestchatAccessGateOptions {
  api: TestchatApi;
  /** Where the gate's messages to people go (the outbox in the service): it never sends them itself. */
  notices: NoticeSink;
  logger?: Logger | undefined;
}

const GRANTED = {
  chat: 'Welcome aboard! You have been added to the private chat.',
  role: 'Welcome aboard! You now have the subscribers\' role.',
};
const REMOVED = {
  chat: 'Your subscription no longer includes the private chat, so you have been removed from it. Send /subscribe to come back.',
  role: 'Your subscription no longer includes the subscribers\' role, so it was taken away. Send /subscribe to come back.',
};

/**
 * Grants a gated chat by adding the person to it, and a role in a tenant by giving it (only a role
 * below the bot's own: 'hierarchy' otherwise); revokes by removing either, and tells the person
 * through the notice sink. Testchat has no join requests, invite links or workspace licences, so
 * those optional methods are absent. Failures come back as 'failed' outcomes with a neutral code.
 */
export class TestchatAccessGate implements AccessGate {
  readonly platform = 'testchat' as const;

  constructor(private readonly options: TestchatAccessGateOptions) {}

  async grant(holder: AccessHolder, resource: AccessResource, _reason: string): Promise<AccessOutcome> {
    const path = this.pathOf(resource, holder.platformUserId);
    if (typeof path !== 'string') return path;
    const answer = await this.call('PUT', path);
    if ('result' in answer) return answer;
    if (!answer.changed) return { result: 'granted', detail: `already ${resource.kind === 'chat' ? 'in the chat' : 'has the role'}`, holds: true };
    const kind = resource.kind === 'chat' ? 'chat' : 'role';
    const told = await this.tell(holder, GRANTED[kind]);
    return { result: 'granted', detail: `${kind === 'chat' ? 'added to the chat' : 'role given'}; ${told.sent ? 'told' : `could not tell them: ${told.detail}`}`, holds: true };
  }

  async revoke(person: AccessHolder | AccessPerson, resource: AccessResource, _reason: string): Promise<AccessOutcome> {
    const path = this.pathOf(resource, person.platformUserId);
    if (typeof path !== 'string') return path;
    const answer = await this.call('DELETE', path);
    if ('result' in answer) return answer.code === 'not_member' ? { result: 'noop', detail: 'not a member of the tenant', holds: false } : answer;
    if (!answer.changed) return { result: 'noop', detail: resource.kind === 'chat' ? 'not in the chat' : 'does not have the role', holds: false };
    const kind = resource.kind === 'chat' ? 'chat' : 'role';
    const told = await this.tell(person, REMOVED[kind]);
    return { result: 'revoked', detail: `${kind === 'chat' ? 'removed from the chat' : 'role taken away'}; ${told.sent ? 'told the way back' : `could not tell them: ${told.detail}`}`, holds: false };
  }

  notify(person: AccessPerson, text: string): Promise<NotifyResult> {
    return this.tell(person, text, 'notice');
  }

  /** The protocol path for a person and a resource, or why this gate cannot handle it. */
  private pathOf(resource: AccessResource, userId: string): string | AccessOutcome {
    const u = encodeURIComponent(userId);
    if (resource.platform !== 'testchat') return { result: 'failed', code: 'platform_error', detail: `not a testchat resource: ${resourceKey(resource)}` };
    if (resource.kind === 'chat') return `/v1/chats/${encodeURIComponent(resource.id)}/members/${u}`;
    if (resource.kind === 'role' && resource.tenant) return `/v1/tenants/${encodeURIComponent(resource.tenant)}/members/${u}/roles/${encodeURIComponent(resource.id)}`;
    return { result: 'failed', code: 'platform_error', detail: `testchat cannot gate ${resourceKey(resource)}: chats and roles in a tenant only` };
  }

  private async call(method: 'PUT' | 'DELETE', path: string): Promise<{ changed: boolean } | AccessOutcome> {
    let answer: JsonAnswer;
    try {
      answer = await this.options.api.call(method, this.options.api.url(path));
    } catch (err) {
      return { result: 'failed', code: 'platform_unreachable', detail: `testchat did not answer: ${networkReason(err)}` };
    }
    if (answer.status >= 200 && answer.status < 300) return { changed: (answer.json as { changed?: unknown } | undefined)?.changed === true };
    const e = readError(answer.status, answer.json);
    return { result: 'failed', code: accessFailureCode(answer.status, answer.json), detail: `${e.code}: ${e.message}` };
  }

  /** Hands a message for the person to the notice sink (the outbox); never throws. */
  private async tell(person: AccessHolder | AccessPerson, text: string, topic = 'access'): Promise<NotifyResult> {
    try {
      return await this.options.notices({ accountId: person.accountId, platform: 'testchat', platformUserId: person.platformUserId }, { topic, text });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.options.logger?.warn({ platformUserId: person.platformUserId, detail }, 'could not queue an access message');
      return { sent: false, detail };
    }
  }
}
