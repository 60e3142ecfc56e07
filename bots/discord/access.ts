// Discord's access gate: a plan's role in a server, given while entitled and taken away (or the member kicked) when not.
import { Agent } from 'undici';
import { REST } from 'discord.js';
import { Routes, type APIGuildMember } from 'discord-api-types/v10';
import type { NoticeSink } from '../../core/access/notices';
import type { AccessCallOptions, AccessGate, AccessHolder, AccessOutcome, AccessPerson, AccessResource, HoldersResult, StrangerHandling } from '../../core/access/ports';
import type { Logger } from '../../core/logger';
import { DISCORD_CODES, toAccessFailure } from './errors';
import { outOfReach, roleOrderFromRest, type RoleOrder } from './hierarchy';
import type { DiscordRestOptions } from './platform';

/**
 * A REST client for access changes: a 429 is waited out inside its bounded timeout (they are few,
 * and a job's deadline bounds them), server errors retried twice.
 */
export function accessRest(options: DiscordRestOptions): REST {
  // Its own undici dispatcher, as the sending client's (bots/discord/platform.ts): never another library's process-wide one.
  return new REST({ ...(options.apiUrl ? { api: options.apiUrl } : {}), timeout: options.timeoutMs ?? 15_000, retries: 2, agent: new Agent() }).setToken(options.token);
}

const removalOf = (resource: AccessResource) => (resource.options?.removal === 'kick' ? 'kick' : 'remove-role');

/** The outcome of a try its caller gave up on (the job's deadline passed): nothing more is done, the next try starts over. */
const ABANDONED: AccessOutcome = { result: 'failed', code: 'platform_unreachable', detail: 'given up: Discord answered after the deadline' };

type Paced = <T>(request: () => Promise<T>) => Promise<T>;

/** Each request through the caller's limiter (limitGate), or straight out. */
const pacer = (call: AccessCallOptions): Paced => call.paced ?? ((request) => request());

/** What a new holder is told: the gated channels are open. */
export const GRANTED_TEXT = 'Your subscription gives you the members-only role: the gated channels are open to you now.';

/** What someone whose plan no longer includes the role is told, and the way back. */
export function removedText(removal: 'kick' | 'remove-role', subscriber = true): string {
  if (!subscriber) {
    // Someone given the role by hand, who never subscribed: no "your subscription" to speak of.
    return removal === 'kick'
      ? 'The members-only server is for subscribers, so you were removed from it. Send /subscribe to join.'
      : 'The members-only role is for subscribers, so it was taken away. Send /subscribe to get it.';
  }
  return removal === 'kick'
    ? 'Your subscription no longer includes the members-only server, so you were removed from it. Send /subscribe to come back.'
    : 'Your subscription no longer includes the members-only role, so it was taken away. Send /subscribe to get it back.';
}

export interface DiscordAccessGateDeps {
  rest: REST;
  notices: NoticeSink;
  logger?: Logger | undefined;
  /** DISCORD_REMOVE_UNMANAGED_HOLDERS: 'remove' takes a role given by hand from someone not entitled; 'report' (default) only reports it. */
  strangers?: StrangerHandling | undefined;
  /** The role order as the gateway last told it (discord.js's cache); null when unknown. A role out of reach is refused without a request. */
  roleOrder?: ((guildId: string, roleIds: readonly string[]) => RoleOrder | null) | undefined;
  /** The bot's user id: after a 50013, the role order is read by REST to tell a hierarchy problem from a missing permission. */
  botUserId?: string | undefined;
}

/** Members per page when listing a server (Discord's most). */
const PAGE = 1_000;

export class DiscordAccessGate implements AccessGate {
  readonly platform = 'discord' as const;
  readonly strangers: StrangerHandling;
  /** Each REST request goes through the caller's `paced` (the platform's limiter), since one call makes two or more. */
  readonly pacesItself = true;

  constructor(private readonly deps: DiscordAccessGateDeps) {
    this.strangers = deps.strangers ?? 'report';
  }

  // Each call carries the caller's signal and no step starts once it is aborted: a try abandoned at its deadline (a hung
  // call that Discord, or discord.js's retry, answers later) changes no role and sends no second welcome behind the next try's back.
  async grant(holder: AccessHolder, resource: AccessResource, reason: string, call: AccessCallOptions = {}): Promise<AccessOutcome> {
    const { signal } = call;
    const paced = pacer(call);
    // A role known to be out of the bot's reach is refused here: a request Discord refuses counts toward its ban on invalid requests.
    const blocked = this.outOfReach(resource, [resource.id]);
    if (blocked) return blocked;
    const member = await this.member(resource, holder.platformUserId, signal, paced);
    // Not in the server yet: nothing to retry; joining it sets off their access job (GUILD_MEMBER_ADD).
    if ('failed' in member) return member.failed.code === 'not_member' ? { result: 'noop', detail: 'not in the server: gets the role on joining', holds: false } : member.failed;
    if (member.roles.includes(resource.id)) return { result: 'granted', detail: 'already has the role', holds: true };
    if (signal?.aborted) return ABANDONED;
    try {
      await paced(() => this.deps.rest.put(Routes.guildMemberRole(resource.tenant ?? '', holder.platformUserId, resource.id), { reason, signal }));
    } catch (err) {
      return signal?.aborted ? ABANDONED : this.refusal(err, resource, [resource.id], paced);
    }
    // The role changed: the member is told, even if the caller has given up meanwhile (the next try finds the role and says nothing).
    await this.deps.notices(holder, { topic: 'approved', text: GRANTED_TEXT });
    return { result: 'granted', holds: true };
  }

  async revoke(person: AccessHolder | AccessPerson, resource: AccessResource, reason: string, call: AccessCallOptions = {}): Promise<AccessOutcome> {
    const { signal } = call;
    const paced = pacer(call);
    const removal = removalOf(resource);
    if (removal === 'remove-role') {
      const blocked = this.outOfReach(resource, [resource.id]);
      if (blocked) return blocked;
    }
    const member = await this.member(resource, person.platformUserId, signal, paced);
    if ('failed' in member) return member.failed.code === 'not_member' ? { result: 'noop', detail: 'not in the server', holds: false } : member.failed;
    if (!member.roles.includes(resource.id)) return { result: 'noop', detail: 'does not have the role', holds: false };
    const guild = resource.tenant ?? '';
    // A kick needs the member's highest role below the bot's.
    const reach = removal === 'kick' ? [guild, ...member.roles] : [resource.id];
    if (removal === 'kick') {
      const blocked = this.outOfReach(resource, reach);
      if (blocked) return blocked;
    }
    if (signal?.aborted) return ABANDONED;
    // Once kicked, the person shares no server with the bot and Discord refuses the DM: tell them first.
    if (removal === 'kick') await this.deps.notices(person, { topic: 'removed', text: removedText(removal, person.accountId !== null), sendBeforeReturning: true });
    try {
      if (removal === 'kick') await paced(() => this.deps.rest.delete(Routes.guildMember(guild, person.platformUserId), { reason, signal }));
      else await paced(() => this.deps.rest.delete(Routes.guildMemberRole(guild, person.platformUserId, resource.id), { reason, signal }));
    } catch (err) {
      return signal?.aborted ? ABANDONED : this.refusal(err, resource, reach, paced);
    }
    if (removal === 'remove-role') await this.deps.notices(person, { topic: 'removed', text: removedText(removal, person.accountId !== null) });
    return { result: 'revoked', holds: false };
  }

  /** Who has the role now: the server's members, 1,000 a page, those with the role (the bot left out). */
  async holders(resource: AccessResource, call: AccessCallOptions = {}): Promise<HoldersResult> {
    const paced = pacer(call);
    if (resource.platform !== 'discord' || resource.kind !== 'role' || !resource.tenant) {
      return { failed: { result: 'failed', code: 'resource_not_found', detail: 'not a Discord role in a server' } };
    }
    const holders: string[] = [];
    let after = '0';
    try {
      for (;;) {
        const query = new URLSearchParams({ limit: String(PAGE), after });
        const page = (await paced(() => this.deps.rest.get(Routes.guildMembers(resource.tenant!), { query }))) as APIGuildMember[];
        for (const m of page) if (m.roles.includes(resource.id) && !m.user.bot) holders.push(m.user.id);
        if (page.length < PAGE) return { holders };
        after = page[page.length - 1]!.user.id;
      }
    } catch (err) {
      return { failed: { result: 'failed', ...toAccessFailure(err) } };
    }
  }

  /** A refusal by the cached role order, naming the fix; null when in reach or unknown. */
  private outOfReach(resource: AccessResource, roleIds: readonly string[]): AccessOutcome | null {
    if (!resource.tenant) return null;
    const order = this.deps.roleOrder?.(resource.tenant, roleIds);
    const detail = order ? outOfReach(order) : null;
    return detail ? { result: 'failed', code: 'hierarchy', detail } : null;
  }

  /** A refused change; a 50013 is read against the role order (by REST) to tell a role out of reach from a missing permission. */
  private async refusal(err: unknown, resource: AccessResource, roleIds: readonly string[], paced: Paced): Promise<AccessOutcome> {
    const failure = toAccessFailure(err);
    const { botUserId } = this.deps;
    const guild = resource.tenant;
    if ((err as { code?: unknown }).code !== DISCORD_CODES.missingPermissions || !botUserId || !guild) return { result: 'failed', ...failure };
    const order = await paced(() => roleOrderFromRest(this.deps.rest, guild, botUserId, roleIds));
    const detail = order ? outOfReach(order) : null;
    if (detail) return { result: 'failed', code: 'hierarchy', detail };
    return { result: 'failed', code: 'missing_permission', detail: `${failure.detail}: give the bot's role Manage Roles${removalOf(resource) === 'kick' ? ' and Kick Members' : ''}` };
  }

  /** The member's roles, or why they cannot be read (not in the server, the server gone, Discord unreachable). */
  private async member(resource: AccessResource, userId: string, signal: AbortSignal | undefined, paced: Paced): Promise<{ roles: string[] } | { failed: AccessOutcome }> {
    if (resource.platform !== 'discord' || resource.kind !== 'role' || !resource.tenant) {
      return { failed: { result: 'failed', code: 'resource_not_found', detail: 'not a Discord role in a server' } };
    }
    try {
      const tenant = resource.tenant;
      const member = (await paced(() => this.deps.rest.get(Routes.guildMember(tenant, userId), { signal }))) as APIGuildMember;
      return { roles: member.roles };
    } catch (err) {
      if (signal?.aborted) return { failed: ABANDONED };
      const failure = toAccessFailure(err);
      const detail = (err as { code?: unknown }).code === DISCORD_CODES.unknownMember ? 'not in the server: they must join it first' : failure.detail;
      return { failed: { result: 'failed', code: failure.code, detail } };
    }
  }
}
