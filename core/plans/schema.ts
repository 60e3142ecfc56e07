// The plans file's shape (zod): each plan's price and entitlements, and the file-level grace period.
import { z } from 'zod';
import type { AccessResource } from '../access/ports';
import { PLATFORM_NAME_PATTERN, type PlatformName } from '../types';

const flag = z.boolean();

/** A trading alert older than this is stale: the default maximum age of a plan's alerts, from their due time. */
export const DEFAULT_MAX_ALERT_AGE_MINUTES = 15;

export const planSchema = z.strictObject({
  /** Short, used in commands: `/subscribe pro`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'expected a short lowercase id such as "pro" (a-z, 0-9, _ and -)'),
  name: z.string().trim().min(1).max(64),
  /** Higher means more; an account with several plans gets the highest it is entitled to. */
  level: z.number().int().min(0),
  /** The Stripe price; null for the free plan, and only for it. */
  stripePriceId: z.string().trim().min(1).nullable(),
  priceCents: z.number().int().min(0),
  currency: z.string().regex(/^[a-zA-Z]{3}$/, 'expected a three-letter currency code such as "usd"').transform((c) => c.toLowerCase()).default('usd'),
  interval: z.enum(['month', 'year']).default('month'),
  /** 0 means real-time; otherwise alerts are due this many minutes after publishing. */
  delayMinutes: z.number().int().min(0).max(10_080).default(0),
  /** Alerts per account per UTC day; null means no cap. */
  dailyCap: z.number().int().min(1).nullable().default(null),
  /**
   * An alert not sent within this many minutes of its due time (after the plan's delay) is not sent at all: it is marked
   * expired. null: never expires. A signal may set a shorter one (maxAlertAgeMinutes at publish).
   */
  maxAlertAgeMinutes: z.number().int().min(1).max(10_080).nullable().default(DEFAULT_MAX_ALERT_AGE_MINUTES),
  rationale: flag.default(false),
  snapshot: flag.default(false),
  directMessages: flag.default(false),
  /** The chat apps the plan is offered on; left out, every app this service runs. */
  platforms: z.array(z.string().regex(PLATFORM_NAME_PATTERN, 'expected a chat app name in lowercase letters and digits')).nullable().default(null),
  /**
   * What the plan gates, one entry per place, each under its chat app's name: `{ <app>: { ... } }`.
   * The entries are read by the adapters' access specs (see load.ts); here only the list is checked.
   */
  access: z.array(z.unknown()).default([]),
  apiAccess: flag.default(false),
  trialDays: z.number().int().min(0).max(730).default(0),
  /** No forwarding or saving of the plan's alerts where the platform can stop it. Default: on for paid plans, off for the free one. */
  protectContent: flag.optional(),
}).transform((p) => ({ ...p, protectContent: p.protectContent ?? p.stripePriceId !== null }));

export const plansFileSchema = z.strictObject({
  /** Days a past_due subscription keeps access, counted from when it became past_due. */
  graceDays: z.number().int().min(0).max(60).default(3),
  plans: z.array(planSchema).min(1),
});

/** One plan: its price and what it entitles to. */
export interface Plan {
  id: string;
  name: string;
  level: number;
  stripePriceId: string | null;
  priceCents: number;
  currency: string;
  interval: 'month' | 'year';
  delayMinutes: number;
  dailyCap: number | null;
  /** Minutes from due time after which an unsent alert expires; null: never. */
  maxAlertAgeMinutes: number | null;
  rationale: boolean;
  snapshot: boolean;
  directMessages: boolean;
  /** Null: offered on every platform the service runs (see offersOn). */
  platforms: PlatformName[] | null;
  /** The gated places the plan's subscribers hold (private chats, roles, workspace licences), as the adapters' specs read them. */
  access: AccessResource[];
  apiAccess: boolean;
  trialDays: number;
  /** Alerts (and their rationales) of this plan cannot be forwarded or saved where the platform can stop it. */
  protectContent: boolean;
}

/** A validated plans file. Exactly one plan (the free one) has no Stripe price. */
export interface PlansConfig {
  graceDays: number;
  plans: Plan[];
}

/** Plan fields as a file may write them: the optional ones take the defaults above. */
export type PlanInput = z.input<typeof planSchema>;
