// The OpenAI emulator's public surface: the server and its drivers, the reply generator, the error shapes.
export { OpenAIEmulator, startOpenAIEmulator, type ChatCall, type FailOptions, type OpenAIEmulatorOptions } from './emulator';
export type { ChatRequest } from './request';
export { findSide, findSymbol, schemaReply, textReply, type ChatMessage, type ReplySchema } from './reply';
export { openaiError, rateLimitHeaders, type OpenAIErrorBody } from './errors';
export type { Usage } from './completion';
