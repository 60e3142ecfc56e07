// Slack's Web API refusals: HTTP 200 with `{ ok: false, error }` (and the extra fields some errors carry).

/** A refusal a Web API method throws; the emulator answers it as `{ ok: false, error, ...extra }`. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

/** The errors the emulator gives, by name, as Slack words them. */
export const slackErrors = {
  notAuthed: () => new SlackApiError('not_authed'),
  invalidAuth: () => new SlackApiError('invalid_auth'),
  tokenRevoked: () => new SlackApiError('token_revoked'),
  accountInactive: () => new SlackApiError('account_inactive'),
  notAllowedTokenType: () => new SlackApiError('not_allowed_token_type'),
  missingScope: (needed: string, provided: string[]) => new SlackApiError('missing_scope', { needed, provided: provided.join(',') }),
  channelNotFound: () => new SlackApiError('channel_not_found'),
  notInChannel: () => new SlackApiError('not_in_channel'),
  isArchived: () => new SlackApiError('is_archived'),
  userNotFound: () => new SlackApiError('user_not_found'),
  userNotInChannel: () => new SlackApiError('user_not_in_channel'),
  messageNotFound: () => new SlackApiError('message_not_found'),
  cantUpdateMessage: () => new SlackApiError('cant_update_message'),
  noText: () => new SlackApiError('no_text'),
  msgTooLong: () => new SlackApiError('msg_too_long'),
  invalidBlocks: (errors: string[]) => new SlackApiError('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } }),
  invalidArguments: (detail: string) => new SlackApiError('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${detail}`] } }),
  invalidCursor: () => new SlackApiError('invalid_cursor'),
  methodNotSupportedForChannelType: () => new SlackApiError('method_not_supported_for_channel_type'),
  invalidCode: () => new SlackApiError('invalid_code'),
  invalidClientId: () => new SlackApiError('invalid_client_id'),
  badClientSecret: () => new SlackApiError('bad_client_secret'),
  badRedirectUri: () => new SlackApiError('bad_redirect_uri'),
  unknownMethod: () => new SlackApiError('unknown_method'),
};
