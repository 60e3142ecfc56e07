// The one interface every chat platform adapter implements: what it can do, sending, access, receiving, its HTTP routes.
import type { NoticeSink } from '../access/notices';
import type { AccessGate, AccessResource } from '../access/ports';
import type { AccessStore } from '../access/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { PlansConfig } from '../plans/schema';
import type { InstallationStore } from '../tenancy/installations';
import type { ChatPlatform } from '../delivery/chat-platform';
import type { EventHandler } from '../inbound/types';
import type { PlatformName } from '../types';

/**
 * The kinds of gated access a platform can give: membership of a private chat (Telegram), a role
 * (Discord), a licence for a whole workspace (Slack); and the optional ways in: join requests the bot
 * approves, personal invite links.
 */
export const ACCESS_KINDS = ['chat', 'role', 'workspace', 'join_request', 'invite_link'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** How a platform marks text up: the adapter renders; the core only needs to know plain text is safe everywhere. */
export type MarkupDialect = 'html' | 'markdown' | 'mrkdwn' | 'plain';

/** What a platform can do, declared by its adapter; what subscribers are offered is derived from it. */
export interface PlatformCapabilities {
  /** Buttons under a message (link and action buttons); without them links are written out. */
  buttons: boolean;
  /** A sent message can be edited later. */
  edits: boolean;
  /** A message can answer another: a reply or a thread. */
  threads: boolean;
  /** An answer only the asking person sees. */
  ephemeral: boolean;
  /** Images (a snapshot's chart). */
  images: boolean;
  /** A bot can write to a person privately. */
  directMessages: boolean;
  /**
   * The platform delivers what people write that is not a command (answered with a short help).
   * False on Discord: reading messages needs the privileged message-content intent, which the bot
   * does not ask for, so there everything people do goes through commands and buttons.
   */
  freeText: boolean;
  /** The longest message text the platform takes. */
  maxMessageLength: number;
  markup: MarkupDialect;
  /** The gated access it supports (empty: none). */
  access: readonly AccessKind[];
  /**
   * How long the platform waits for a command's first answer (Discord and Slack: 3 s). A handler
   * slower than this gets "Working on it…" first and its answer as a follow-up. Absent: no limit.
   */
  ackWithinMs?: number | undefined;
}

/** One HTTP route an adapter needs (a webhook, an OAuth callback, an interaction endpoint). */
export interface AdapterRoute {
  method: 'GET' | 'POST';
  /** e.g. "/webhooks/telegram". */
  path: string;
  /** The raw request; the adapter verifies it. Resolves to the status, headers and body to answer with. */
  handle(request: AdapterRequest): Promise<AdapterResponse>;
}

export interface AdapterRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received (signatures are computed over it). */
  rawBody: Buffer;
}

export interface AdapterResponse {
  status: number;
  headers?: Record<string, string> | undefined;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Where adapters register their routes: the service's HTTP server, without the adapter knowing it is fastify. */
export interface RouteRegistrar {
  add(route: AdapterRoute): void;
}

/** How far an adapter's start got, for /readyz: 'ok', 'starting', or why it is not receiving. */
export type AdapterStatus = 'ok' | 'starting' | string;

/**
 * A chat platform as the service sees it. Built by its row in the adapter table (app/adapters.ts)
 * from its settings; nothing is contacted before `start`.
 */
export interface PlatformAdapter {
  readonly name: PlatformName;
  /** The app's name as people write it ("Telegram"). */
  readonly label: string;
  readonly capabilities: PlatformCapabilities;
  /** Sending, for the dispatcher. */
  readonly sender: ChatPlatform;
  /** Granting and revoking access, where the platform has gated access. */
  readonly gate?: AccessGate | undefined;
  /** The platform user ids of the operators (their commands are allowed). */
  readonly operatorIds: readonly string[];
  /**
   * One attempt to start receiving: every command, button, join request and membership change goes
   * to `onEvent`. Throws an `AdapterStartError` (its `permanent` says whether another attempt can
   * help); `signal` abandons the attempt.
   */
  start(onEvent: EventHandler, signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /** Registers the HTTP routes it needs (none by default). Called once, before the server listens. */
  routes?(registrar: RouteRegistrar): void;
  /** Why updates stopped flowing after a successful start, else undefined. */
  receiveFailure?(): string | undefined;
  /** A link that opens a private chat with the bot carrying `payload` (e.g. t.me/<bot>?start=...), once started. */
  deepLink(payload: string): string | undefined;
  /** Where the platform is licensed per tenant (Slack): preparing the channels a tenant's admins choose. */
  readonly workspace?: WorkspacePort | undefined;
}

/** Why a channel cannot take a tenant's alerts: stable codes beside the platform's words. */
export type ChannelProblem = 'private_not_member' | 'not_found' | 'archived' | 'not_allowed' | 'unavailable';

/**
 * What a per-tenant licensed platform does for the workspace commands (bots/commands/workspace/):
 * makes the bot able to post in a channel an admin chose (joins a public one), or says why it cannot;
 * counts the workspace's people for a plan priced per seat.
 */
export interface WorkspacePort {
  prepareChannel(tenant: string, chatId: string, signal?: AbortSignal): Promise<
    | { ok: true; label: string; isPrivate: boolean }
    | { ok: false; code: ChannelProblem; detail: string }
  >;
  /** The workspace's people, for a plan priced per seat: not bots, not deactivated, not the platform's own helper user. */
  countMembers(tenant: string, signal?: AbortSignal): Promise<
    | { ok: true; count: number }
    | { ok: false; code: ChannelProblem; detail: string }
  >;
}

/**
 * How one platform's entries in a plan's `access:` list read, e.g. `{ telegram: { chat: "-100…" } }`:
 * given to the plans loader by the adapter table, so core never learns a platform's fields.
 */
export interface AccessSpec {
  /** Checks one entry's settings (the object under the platform's name): the resource it gates, or an error naming the field. */
  parse(settings: unknown): { ok: true; resource: AccessResource } | { ok: false; error: string };
  /** An entry as the plans file writes it, for error messages and `plans check`: '{ telegram: { chat: "-1001234567890" } }'. */
  example: string;
}

/** What the service gives an adapter's factory besides its own settings. */
export interface AdapterContext {
  logger: Logger;
  clock: Clock;
  /** The tracked memberships and invite links a gate keeps, and the durable sink its messages go through. */
  access: { store: AccessStore; notices: NoticeSink };
  /** Per-tenant installations (a workspace's bot token, kept encrypted), for platforms installed per workspace. */
  installations: InstallationStore;
  /** PUBLIC_URL, for webhooks and OAuth callbacks; undefined when not set. */
  publicUrl: string | undefined;
  /** Every platform this service runs (a menu offers /link only when there is a second one). */
  platforms: readonly PlatformName[];
  /** The plans, for menus that list them (Discord's /subscribe and /grant choices); absent: menus name no plan. */
  plans?: PlansConfig | undefined;
}
