// /join (and the button under /status): a new personal invite link to the plan's private channel (the old one revoked), or the plan's role checked and given again.
import { planResources } from '../../core/access/desired';
import type { NewLinkResult, NewLinksReport } from '../../core/access/new-links';
import type { Reply } from '../../core/inbound/types';
import type { Plan } from '../../core/plans/schema';
import type { PlatformName } from '../../core/types';
import type { CommandCall } from './deps';

/** The button data that asks for a new link (see the router's BUTTONS). */
export const JOIN_BUTTON = 'join';

/** Whether a plan gives a private channel on this platform: then /status offers a new link. */
export function planGatesOn(plan: Plan, platform: PlatformName): boolean {
  return planResources(plan, platform).length > 0;
}

function answer(report: NewLinksReport): Reply[] {
  switch (report.status) {
    case 'no_gate':
      return [{ text: 'There is no private channel to join here.' }];
    case 'not_entitled':
      return [{
        text: report.planName
          ? `Your plan (${report.planName}) has no private channel. Send /plans to see the plans that do, and /subscribe to choose one.`
          : 'The private channel is for subscribers. Send /subscribe to choose a plan: your personal invite link arrives as soon as you pay.',
      }];
    case 'done': {
      const lines = report.results.flatMap(lineOf);
      return lines.length > 0 ? [{ text: [...new Set(lines)].join('\n') }] : [];
    }
  }
}

/** What one place's check came to, for the person; none when the message carrying a new link is the answer. */
function lineOf({ kind, outcome }: NewLinkResult): string[] {
  if (kind === 'role') {
    if (outcome.result === 'granted') {
      return [outcome.detail === 'already has the role' ? 'You have your plan\'s role: the members-only channels are open to you.' : 'Your plan\'s role is given back: the members-only channels are open to you again.'];
    }
    if (outcome.code === 'not_member') return ['Join the server first: your plan\'s role is given as soon as you are in (or send /join again once you are).'];
    return ['I could not give you your plan\'s role just now: it is retried by itself, and the publisher sees it if it keeps failing.'];
  }
  if (outcome.result === 'invited') return [];
  if (outcome.result === 'granted' || outcome.result === 'approved') return ['You are in the private channel already.'];
  return ['I could not make you a new invite link just now. Please try again in a few minutes; if it keeps failing, tell the publisher.'];
}

/** Revokes the person's unused invite links and sends new ones, when their plan gives a private channel. */
export async function join(call: CommandCall): Promise<Reply[]> {
  const { actor } = call.event;
  const newLinks = call.deps.newInviteLinks;
  if (!newLinks) return answer({ status: 'no_gate' });
  return answer(await newLinks({ platform: actor.platform, platformUserId: actor.platformUserId }));
}
