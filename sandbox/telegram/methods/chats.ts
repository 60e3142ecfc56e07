// Chats and their members: getChat, getChatMember, getChatMemberCount, banChatMember,
// unbanChatMember and leaveChat.
import type { ChatFullInfo, ChatMember } from 'grammy/types';
import { badRequest } from '../errors';
import { toChatFullInfo, toChatMember } from '../objects';
import { knownUser, managedChat, visibleChat, type MethodCall, type MethodTable } from './method';

function getChat(call: MethodCall): ChatFullInfo {
  return toChatFullInfo(call.world.state, visibleChat(call));
}

function getChatMember(call: MethodCall): ChatMember {
  const chat = visibleChat(call);
  const user = knownUser(call);
  const { membership, state } = call.world;
  if (chat.type === 'private') {
    if (user.id !== chat.id && user.id !== state.bot.id) throw badRequest('user not found');
    return toChatMember(chat, user, { status: 'member', untilDate: 0 });
  }
  return toChatMember(chat, user, membership.memberOf(chat, user.id));
}

function getChatMemberCount(call: MethodCall): number {
  const chat = visibleChat(call);
  return chat.type === 'private' ? 2 : call.world.membership.memberCount(chat);
}

function banChatMember(call: MethodCall): true {
  const chat = managedChat(call);
  const user = knownUser(call);
  if (user.id === call.world.state.bot.id) throw badRequest("can't remove chat owner");
  call.world.membership.ban(chat, user, call.params.integer('until_date'));
  return true;
}

function unbanChatMember(call: MethodCall): true {
  const chat = managedChat(call);
  const user = knownUser(call);
  call.world.membership.unban(chat, user, call.params.boolean('only_if_banned'));
  return true;
}

function leaveChat(call: MethodCall): true {
  const chat = visibleChat(call);
  if (chat.type === 'private') throw badRequest("chat member status can't be changed in private chats");
  const { membership, state } = call.world;
  membership.change(chat, state.bot, { status: 'left', untilDate: 0 }, state.bot);
  return true;
}

export const chatMethods: MethodTable = { getChat, getChatMember, getChatMemberCount, banChatMember, unbanChatMember, leaveChat };
