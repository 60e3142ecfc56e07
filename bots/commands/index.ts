// The platform-neutral chat commands every platform's bot calls.
export { handleEvent } from './router';
export type { CommandDeps, CommandCall, CommandHandler } from './deps';
export { OPERATOR_COMMANDS, PUBLIC_COMMANDS, publicCommands, type CommandInfo } from './help';
export { DIRECT_CONTENT } from './contact';
export { SETTINGS_BUTTONS } from './settings-view';
