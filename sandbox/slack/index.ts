// The Slack emulator's public surface.
export { SlackEmulator, startSlackEmulator, type ConfigureAppInput, type SlackEmulatorOptions } from './emulator';
export type { AuthorizeInput, ClickButtonInput, EventResult, InteractionResult, SlashCommandInput } from './drivers';
export type { DeliveryResult, SentRequest, SigningOptions } from './delivery';
export { OAUTH_CODE_MS, type CreateWorkspaceOptions, type InstallOptions, type InstallResult, type WorkspaceView } from './installs';
export { defaultSlackLimits, type SlackLimits, type SlackLimitsInput, type SlackRateStats, type Tier } from './rate-limits';
export { RESPONSE_URL_MS, RESPONSE_URL_USES, type ResponsePost, type ResponseUrlRecord } from './response-urls';
export { BLOCK_LIMITS, MAX_TEXT, checkBlocks } from './blocks';
export { SlackApiError, slackErrors } from './errors';
export { slackSignature, signedHeaders } from './signing';
export { SlackState, type ApiCall, type EphemeralMessage, type SlackApp, type SlackChannel, type SlackMessage, type SlackUser, type TokenKind, type Workspace } from './state';
export { createDemoWorkspace, DEMO_WORKSPACE, type DemoPerson } from './demo-workspace';
