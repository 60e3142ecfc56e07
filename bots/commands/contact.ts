// The person behind a command: their account and identity, created on first contact, and their direct-message destination.
import type { Account, Identity } from '../../core/accounts/types';
import { SignalcastError } from '../../core/errors';
import type { Actor } from '../../core/inbound/types';
import type { ContentKind } from '../../core/types';
import type { CommandCall, CommandDeps } from './deps';

/** What a direct-message destination gets: everything the plan allows. */
export const DIRECT_CONTENT: ContentKind[] = ['alert', 'rationale', 'snapshot', 'notice'];

export interface Contact {
  account: Account;
  identity: Identity;
  /** The account was created by this call. */
  isNew: boolean;
}

/** How the audit trail names a subscriber acting in chat: "chat:<platform>:<user id>". */
export function chatActor(actor: Actor): string {
  return `chat:${actor.platform}:${actor.platformUserId}`;
}

/** How the audit trail names an operator acting in chat: "operator:<platform>:<user id>". */
export function operatorActor(actor: Actor): string {
  return `operator:${actor.platform}:${actor.platformUserId}`;
}

export function isOperator(deps: CommandDeps, actor: Actor): boolean {
  return deps.operatorIds[actor.platform]?.includes(actor.platformUserId) ?? false;
}

/** The account of the person who sent the command, or null before their first contact. */
export async function findContact(deps: CommandDeps, actor: Actor): Promise<{ account: Account; identity: Identity } | null> {
  const identity = await deps.accounts.findIdentity(actor.platform, actor.platformUserId, actor.tenant);
  if (!identity) return null;
  const account = await deps.accounts.getAccount(identity.accountId);
  return account ? { account, identity } : null;
}

/**
 * The sender's account, created with its identity on first contact (with `referredBy` when given),
 * and, in a private chat, their direct-message destination (created, or enabled again: they are
 * writing to the bot, so it can write back).
 */
export async function ensureContact(call: CommandCall, options: { referredBy?: string } = {}): Promise<Contact> {
  const { deps, event } = call;
  const { actor } = event;
  const found = await findContact(deps, actor);
  const contact: Contact = found ? { ...found, isNew: false } : await createContact(deps, actor, options.referredBy);
  if (found && actor.username !== undefined && actor.username !== found.identity.username) {
    await deps.directory.setUsername(found.identity.id, actor.username);
  }
  if (event.isPrivate) await ensureDirectDestination(call, contact);
  return contact;
}

async function createContact(deps: CommandDeps, actor: Actor, referredBy: string | undefined): Promise<Contact> {
  const account = await deps.accounts.createAccount({
    displayName: actor.displayName ?? actor.username ?? null,
    referredBy: referredBy ?? null,
  });
  let identity: Identity;
  try {
    identity = await deps.accounts.addIdentity(account.id, actor.platform, actor.platformUserId, actor.username ?? null, { tenant: actor.tenant });
  } catch (err) {
    // The same person's other update got there first: use the account it made.
    if (err instanceof SignalcastError && err.code === 'conflict') {
      const found = await findContact(deps, actor);
      if (found) return { ...found, isNew: false };
    }
    throw err;
  }
  deps.audit.record({
    actor: chatActor(actor),
    action: 'account.created',
    subjectType: 'account',
    subjectId: account.id,
    data: { platform: actor.platform, identityId: identity.id, ...(referredBy ? { referredBy } : {}) },
  });
  return { account, identity, isNew: true };
}

async function ensureDirectDestination(call: CommandCall, contact: { account: Account; identity: Identity }): Promise<void> {
  const { deps, event } = call;
  const existing = await deps.accounts.findDestinationByRecipient(event.chat);
  if (!existing) {
    const destination = await deps.accounts.addDestination({
      kind: 'direct',
      recipient: event.chat,
      accountId: contact.account.id,
      identityId: contact.identity.id,
      contentKinds: DIRECT_CONTENT,
      label: event.actor.username ?? event.actor.displayName ?? null,
    });
    deps.audit.record({ actor: chatActor(event.actor), action: 'destination.created', subjectType: 'destination', subjectId: destination.id, data: { accountId: contact.account.id, kind: 'direct' } });
  } else if (!existing.enabled && existing.identityId === contact.identity.id) {
    await deps.accounts.enableDestination(existing.id);
    deps.audit.record({
      actor: chatActor(event.actor), action: 'destination.enabled', subjectType: 'destination', subjectId: existing.id,
      reason: `the user wrote to the bot again (it was disabled: ${existing.disabledReason ?? 'no reason given'})`,
    });
  }
}
