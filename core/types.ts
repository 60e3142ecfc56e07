// The neutral domain language shared by every part of Signalcast.

/**
 * A chat platform's name ("telegram", "testchat", ...): lower-case letters, as its adapter declares
 * it. Which platforms exist is the adapter table's business (app/adapters.ts), not the core's.
 */
export type PlatformName = string;

/** What a platform name looks like. */
export const PLATFORM_NAME_PATTERN = /^[a-z][a-z0-9]{1,31}$/;

export const SIDES = ['long', 'short', 'close'] as const;
export type Side = (typeof SIDES)[number];

/** Conviction bands, A highest. */
export const BANDS = ['A', 'B', 'C'] as const;
export type Band = (typeof BANDS)[number];

/** What a signal source sends. */
export interface SignalInput {
  /** The publisher's own id for this signal: the idempotency key. */
  publisherId: string;
  symbol: string;
  market: string;
  side: Side;
  /** 0..1 */
  conviction: number;
  reasons: string[];
  persona?: string | undefined;
  entry?: number | undefined;
  stop?: number | undefined;
  targets?: number[] | undefined;
  horizon?: string | undefined;
  /** Minutes after its due time past which an unsent alert of this signal expires, when shorter than its plan's (Plan.maxAlertAgeMinutes). */
  maxAlertAgeMinutes?: number | undefined;
}

/** A stored signal. */
export interface Signal extends SignalInput {
  id: string;
  band: Band;
  createdAt: Date;
}

export const SIGNAL_UPDATE_KINDS = ['target_hit', 'stopped', 'closed'] as const;
export type SignalUpdateKind = (typeof SIGNAL_UPDATE_KINDS)[number];

export interface SignalUpdateInput {
  kind: SignalUpdateKind;
  /** Which target was hit (1-based), for target_hit. */
  targetIndex?: number | undefined;
  price?: number | undefined;
  /** Result in percent, for closed (and optionally the others). */
  resultPct?: number | undefined;
  note?: string | undefined;
  /** The publisher's own id for this update: the idempotency key. */
  publisherUpdateId?: string | undefined;
}

export interface SignalUpdate extends SignalUpdateInput {
  id: string;
  signalId: string;
  createdAt: Date;
}

/**
 * Where a message goes, the same shape on every platform: the platform's id of the chat, the tenant
 * it lives in (a Discord server, a Slack workspace) where the platform has tenants, and whether it is
 * a person's direct messages (then `chatId` is the person's id and the adapter opens the DM itself).
 */
export interface Recipient {
  platform: PlatformName;
  chatId: string;
  tenant?: string | undefined;
  direct?: boolean | undefined;
}

/**
 * A stable string for a recipient: the per-chat rate-limit key and the destination's unique key, e.g.
 * "telegram:42" or "slack:T1:C1". `direct` is not part of it: platforms keep user and chat ids apart.
 */
export function recipientKey(r: Recipient): string {
  return r.tenant ? `${r.platform}:${r.tenant}:${r.chatId}` : `${r.platform}:${r.chatId}`;
}

/** The kinds of content a destination can receive. */
/** 'digest': the alerts held during a person's quiet hours, as one message when they end (never a destination's own choice: it goes where alerts go). */
export const CONTENT_KINDS = ['alert', 'rationale', 'update', 'snapshot', 'notice', 'digest'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** A link shown as a button where the platform has buttons, as a plain link elsewhere. */
export interface LinkButton {
  label: string;
  url: string;
}

/** A signal's rationale as written once (by a model, or the template from its reasons): a summary, what drives it, what could go wrong. */
export interface RationaleBody {
  summary: string;
  drivers: string[];
  risks: string[];
}

/** A chart sent with a snapshot: a PNG and its size in pixels. */
export interface ChartImage {
  png: Uint8Array;
  width: number;
  height: number;
  /** What the chart shows, for platforms that take alt text. */
  alt: string;
}

/**
 * What the core asks a platform to send; each platform renders it its own way.
 * `replyToMessageId` is the platform's id of the signal's alert at this destination (absent: it was
 * not recorded): a rationale or an update is threaded on it (Telegram a reply, Discord a reply,
 * Slack a message in its thread). `disclaimer` goes under the content in small print where the platform has it.
 */
export type OutboundMessage =
  /** `protectContent`: the platform should stop forwarding and saving it, where it can (Telegram's protect_content). */
  | { kind: 'alert'; signal: Signal; delayedMinutes?: number | undefined; protectContent?: boolean | undefined }
  | {
      kind: 'rationale';
      signal: Signal;
      /** The whole rationale as plain text (summary, drivers, risks), for platforms that show text only. */
      text: string;
      /** The same, structured; absent for a rationale stored before structure existed. */
      rationale?: RationaleBody | undefined;
      disclaimer?: string | undefined;
      replyToMessageId?: string | undefined;
      protectContent?: boolean | undefined;
    }
  | {
      kind: 'update';
      signal: Signal;
      /** The update this message announces. */
      update: SignalUpdate;
      /**
       * Every update of the signal so far (when the message is built), oldest first, this one included: the alert's
       * status where the platform edits it. An update sent late (a retry) after a later one also carries that later one.
       */
      updates: SignalUpdate[];
      replyToMessageId?: string | undefined;
      /** How late the alert at this destination went out, as it said ("sent N min later"): the edit that marks its status says it again. */
      alertDelayedMinutes?: number | undefined;
      /** `replyToMessageId` is a quiet-hours digest the alert went in: threaded on it, but never edited into the alert's status. */
      replyToDigest?: boolean | undefined;
      protectContent?: boolean | undefined;
    }
  | { kind: 'snapshot'; title: string; text: string; chart?: ChartImage | undefined; disclaimer?: string | undefined }
  | { kind: 'notice'; text: string; buttons?: LinkButton[] | undefined }
  /**
   * The alerts held during the person's quiet hours, sent as one message when they end ("While quiet hours were on: 3 alerts"),
   * oldest first, each with its updates so far (none: still open).
   */
  | { kind: 'digest'; items: DigestItem[]; protectContent?: boolean | undefined };

/** One alert held during quiet hours: the signal and its updates so far, oldest first (a stop or close: no longer open). */
export interface DigestItem {
  signal: Signal;
  updates: SignalUpdate[];
}
