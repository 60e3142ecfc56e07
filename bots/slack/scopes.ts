// The bot scopes the app asks for, the same list as bots/slack/manifest.yaml (a test compares them), each for a call the adapter makes.
export const BOT_SCOPES = [
  /** /signals. */
  'commands',
  /** chat.postMessage, chat.update. */
  'chat:write',
  /** conversations.info and conversations.join on public channels. */
  'channels:read',
  'channels:join',
  /** conversations.info on private channels the bot was invited to. */
  'groups:read',
  /** users.info: is_admin, is_owner; users.list: a workspace's people, for a plan priced per seat. */
  'users:read',
  /** A notice to an admin: chat.postMessage with channel = their user id. */
  'im:write',
  /** A snapshot's chart: files.getUploadURLExternal and files.completeUploadExternal. */
  'files:write',
] as const;

/** The one slash command. */
export const SLASH_COMMAND = '/signals';
/** The path of every request Slack sends (commands, interactivity, events), and of the OAuth redirect. */
export const EVENTS_PATH = '/slack/events';
export const REDIRECT_PATH = '/slack/oauth_redirect';
export const INSTALL_PATH = '/slack/install';
/** The Events API subscriptions. */
export const BOT_EVENTS = ['app_uninstalled', 'tokens_revoked', 'app_home_opened', 'member_joined_channel'] as const;
