// The sandbox console's public surface: a page where a person acts as a subscriber on each emulated platform.
export { SandboxConsole, startConsole, type ConsoleOptions } from './server';
export { ConsoleInputError, type ConsoleOutcome, type ConsoleSection } from './section';
export { DEFAULT_TELEGRAM_USER, TELEGRAM_USER_PARAM, TelegramSection, type ConsoleChannel, type TelegramSectionOptions } from './telegram-section';
export { publishCommands } from './how-to';
export { DEFAULT_DISCORD_USER, DISCORD_SERVER_PARAM, DISCORD_USER_PARAM, DiscordSection, type DiscordSectionOptions } from './discord-section';
