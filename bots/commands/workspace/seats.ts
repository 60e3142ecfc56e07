// Plans priced per seat: the workspace's people counted (through the platform's WorkspacePort) for the Checkout quantity and /signals status.
import type { Plan } from '../../../core/plans/schema';
import type { PlatformName } from '../../../core/types';
import type { CommandCall } from '../deps';
import type { WorkspaceRef } from './workspace';

/** The value of a licence entry's `seats` that prices the plan per seat (the adapters' access specs keep it as `options.seats`). */
export const PER_SEAT = 'per-member';

/** How long counting the workspace's people may take (every page of the platform's member list). */
export const COUNT_TIMEOUT_MS = 20_000;

/** Whether the plan's workspace licence on the platform is priced per seat. */
export function isPerSeat(plan: Plan, platform: PlatformName): boolean {
  return plan.access.some((r) => r.kind === 'workspace' && r.platform === platform && r.options?.['seats'] === PER_SEAT);
}

/** "1 seat", "12 seats". */
export function seatWords(n: number): string {
  return n === 1 ? '1 seat' : `${n} seats`;
}

/** "1 person", "12 people". */
function peopleWords(n: number): string {
  return n === 1 ? '1 person' : `${n} people`;
}

export type SeatCount = { ok: true; count: number } | { ok: false; text: string };

/** The workspace's people now, or the words saying they could not be counted. */
export async function countSeats(call: CommandCall, ws: WorkspaceRef): Promise<SeatCount> {
  const port = call.deps.workspaces?.[ws.platform];
  if (!port) return { ok: false, text: 'The seat count could not be read: this app cannot count a workspace\'s people.' };
  const counted = await port.countMembers(ws.tenant, AbortSignal.timeout(COUNT_TIMEOUT_MS));
  return counted.ok ? counted : { ok: false, text: `The seat count could not be read (${counted.detail}).` };
}

/**
 * The seats the Checkout links for `plans` ask for: undefined when no plan is priced per seat (no
 * count made); the count otherwise (at least 1); or the reply when it could not be read (no link).
 */
export async function seatsForCheckout(call: CommandCall, ws: WorkspaceRef, plans: readonly Plan[]): Promise<{ seats: number | undefined } | { text: string }> {
  if (!plans.some((p) => isPerSeat(p, ws.platform))) return { seats: undefined };
  const counted = await countSeats(call, ws);
  if (!counted.ok) return { text: `${counted.text} Nothing changed and no payment link was made: please try again in a minute.` };
  return { seats: Math.max(1, counted.count) };
}

/**
 * /signals status for a plan priced per seat: the people now. (The seats the subscription is for are
 * not said: the subscription mirror does not keep Stripe's quantity.)
 */
export async function seatsLine(call: CommandCall, ws: WorkspaceRef, plan: Plan): Promise<string | undefined> {
  if (!isPerSeat(plan, ws.platform)) return undefined;
  const counted = await countSeats(call, ws);
  return counted.ok ? `Priced per seat: ${peopleWords(counted.count)} in the workspace now.` : `Priced per seat. ${counted.text}`;
}
