// The Telegram Bot API emulator's public surface.
export { startTelegramEmulator, TelegramEmulator } from './emulator';
export type { ChannelView, InviteLinkView, MemberView, TelegramEmulatorOptions } from './emulator';
export type { CreateChannelOptions, UserProfile } from './drivers';
export { defaultTelegramLimits } from './limits';
export type { LimitStats, TelegramLimits } from './limits';
export type { JoinOutcome } from './membership';
export type { MemberStatus } from './state';
export { loadBotApiSpec, SpecValidator } from './spec-validator';
export { rawClient, type RawAnswer, type RawCall } from './test-client';
