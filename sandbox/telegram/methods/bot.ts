// The bot itself: getMe and the command menu (setMyCommands, getMyCommands, deleteMyCommands).
import type { BotCommand, UserFromGetMe } from 'grammy/types';
import { badRequest } from '../errors';
import { toBotInfo } from '../objects';
import { commandKey } from '../state';
import type { MethodCall, MethodTable } from './method';

const SCOPES = new Set(['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators', 'chat', 'chat_administrators', 'chat_member']);

function menuKey({ params }: MethodCall): string {
  const scope = params.json<{ type?: unknown }>('scope', 'BotCommandScope');
  if (scope !== undefined && (typeof scope !== 'object' || !SCOPES.has(String(scope?.type)))) throw badRequest('unsupported bot command scope type');
  const language = params.string('language_code');
  if (language !== undefined && !/^[a-z]{2}$/.test(language)) throw badRequest('invalid language code specified');
  return commandKey(scope, language);
}

function getMe({ world }: MethodCall): UserFromGetMe {
  return toBotInfo(world.state.bot);
}

function setMyCommands(call: MethodCall): true {
  const commands = call.params.json<BotCommand[]>('commands', 'commands');
  if (!Array.isArray(commands)) throw badRequest('commands must be an array');
  if (commands.length > 100) throw badRequest('too many commands specified');
  const cleaned = commands.map((c) => {
    const command = String(c?.command ?? '').replace(/^\//, '');
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    const description = String(c?.description ?? '');
    if (description.trim() === '' || description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    return { command, description };
  });
  const key = menuKey(call);
  if (cleaned.length === 0) call.world.state.commands.delete(key);
  else call.world.state.commands.set(key, cleaned);
  return true;
}

function getMyCommands(call: MethodCall): BotCommand[] {
  return call.world.state.commands.get(menuKey(call)) ?? [];
}

function deleteMyCommands(call: MethodCall): true {
  call.world.state.commands.delete(menuKey(call));
  return true;
}

export const botMethods: MethodTable = { getMe, setMyCommands, getMyCommands, deleteMyCommands };
