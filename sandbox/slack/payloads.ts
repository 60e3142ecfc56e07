// The objects the Web API returns, built from the state in the shapes of Slack's spec
// (sandbox/specs/slack-web-openapi.json): users, conversations and messages.
import type { SlackChannel, SlackMessage, SlackState, SlackUser, Workspace } from './state';

const ICON = 'https://a.slack-edge.com/80588/img/plugins/app/bot_48.png';

export function userPayload(ws: Workspace, user: SlackUser, now: number): Record<string, unknown> {
  return {
    id: user.id,
    team_id: ws.id,
    name: user.name,
    deleted: user.deleted,
    color: '9f69e7',
    real_name: user.name,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    profile: {
      real_name: user.name,
      real_name_normalized: user.name,
      display_name: user.name,
      display_name_normalized: user.name,
      avatar_hash: 'g0000000000',
      title: '',
      phone: '',
      skype: '',
      status_text: '',
      status_emoji: '',
      fields: null,
      team: ws.id,
      ...(user.botId ? { bot_id: user.botId } : {}),
    },
    is_admin: user.isAdmin,
    is_owner: user.isOwner,
    is_primary_owner: user.isOwner,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: Math.floor(now / 1000),
  };
}

export function conversationPayload(channel: SlackChannel, botUserId: string | undefined): Record<string, unknown> {
  if (channel.isIm) {
    return { id: channel.id, created: channel.created, is_im: true, is_org_shared: false, user: channel.user, priority: 0, is_archived: false, is_open: true };
  }
  const topic = { value: '', creator: '', last_set: 0 };
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    created: channel.created,
    creator: channel.creator,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    is_general: channel.name === 'general',
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    is_member: botUserId !== undefined && channel.members.has(botUserId),
    num_members: channel.members.size,
    topic,
    purpose: { ...topic },
    previous_names: [],
  };
}

export function botProfile(state: SlackState, ws: Workspace): Record<string, unknown> | undefined {
  const bot = ws.bot;
  if (!bot?.botId) return undefined;
  return { id: bot.botId, deleted: false, name: bot.name, updated: Math.floor(state.clock.now() / 1000), app_id: state.app.id, icons: { image_36: ICON, image_48: ICON, image_72: ICON }, team_id: ws.id };
}

export function messagePayload(state: SlackState, ws: Workspace, message: SlackMessage): Record<string, unknown> {
  const profile = message.botId ? botProfile(state, ws) : undefined;
  return {
    type: 'message',
    text: message.text,
    user: message.user,
    ts: message.ts,
    team: ws.id,
    ...(message.botId ? { bot_id: message.botId } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(profile ? { bot_profile: profile } : {}),
  };
}
