// What subscribers are told about their access: the invite, the removal, the turned-away request, welcome and lapse.
import type { Plan } from '../plans/schema';

/**
 * The direct message carrying a personal invite link. `byRequest`: the link asks to join and only
 * its owner is approved; otherwise it admits the first person who opens it.
 */
export function inviteText(link: string, validHours: number, byRequest = false): string {
  return [
    'Welcome aboard! Here is your personal invite link to the private channel:',
    link,
    byRequest
      ? `Open it and tap "Request to join": I let you in at once. It works for you only (anyone else is turned away) and expires in ${validHours} hours.`
      : `It lets one person in (you) and expires in ${validHours} hours. Please do not share it: anyone else who uses it is removed.`,
    'Lost it, or it expired? Send /join for a new one.',
  ].join('\n');
}

/** After a removal (or, when they never joined, the withdrawal of their invite link): why, and the way back. */
export function removedText(wasMember: boolean): string {
  return [
    wasMember
      ? 'Your subscription no longer includes the private channel, so you have been removed from it.'
      : 'Your subscription no longer includes the private channel, so your invite link to it was withdrawn.',
    'Still subscribed (say, the payment went through since)? Send /join for a new personal invite link. Otherwise send /subscribe: a new link arrives as soon as you pay.',
  ].join('\n');
}

/** After a join request was approved. */
export function approvedText(): string {
  return 'Your request to join the private channel was approved. Welcome aboard!';
}

/** To someone whose request to join was turned away. */
export function declinedText(): string {
  return [
    'The private channel is for subscribers, each with their own invite link.',
    'Send /subscribe to choose a plan: your personal invite link arrives as soon as you pay. Already subscribed? Send /join for your own link.',
  ].join('\n');
}

/** To someone removed because they came in with another person's personal invite link. */
export function intruderText(): string {
  return [
    'That invite link was made for someone else, so you have been removed from the private channel.',
    'Send /subscribe to choose a plan: your own invite link arrives as soon as you pay. Already subscribed? Send /join for your own link.',
  ].join('\n');
}

/** When an account's paid plan starts (or changes). */
export function welcomeText(plan: Plan): string {
  return `Welcome to ${plan.name}! Your subscription is active. Send /status to see what it includes, and /settings to choose what you get.`;
}

/** When an account's paid plan ends and it falls back to `now` (the free plan). */
export function lapseText(lapsed: Plan, now: Plan): string {
  return `Your ${lapsed.name} subscription has ended; you are on the ${now.name} plan now. Send /subscribe ${lapsed.id} to come back.`;
}

/**
 * The welcome and lapse told to a workspace's admin (a platform licensed per workspace): the
 * subscription is the workspace's, its channels are what changes, and the commands are the
 * workspace's own (/signals), not a person's /status or /subscribe.
 */
export function workspaceWelcomeText(plan: Plan): string {
  return `Welcome to ${plan.name}! The workspace's subscription is active: its channels get alerts. /signals status lists them, and /signals subscribe #channel adds one.`;
}

export function workspaceLapseText(lapsed: Plan): string {
  return `The workspace's ${lapsed.name} subscription has ended, so its channels get no more alerts. A workspace admin can renew it with /signals billing.`;
}
