// Invite links and join requests: createChatInviteLink, revokeChatInviteLink,
// approveChatJoinRequest, declineChatJoinRequest.
import type { ChatInviteLink } from 'grammy/types';
import { badRequest } from '../errors';
import { toInviteLink } from '../objects';
import { nowSeconds } from '../world';
import { knownUser, managedChat, type MethodCall, type MethodTable } from './method';

function createChatInviteLink(call: MethodCall): ChatInviteLink {
  const chat = managedChat(call);
  const { params, world } = call;
  const name = params.string('name');
  if (name !== undefined && name.length > 32) throw badRequest('invite link name is too long');
  const expireDate = params.integer('expire_date');
  if (expireDate !== undefined && expireDate !== 0 && expireDate <= nowSeconds(world)) throw badRequest('EXPIRE_DATE_INVALID');
  const memberLimit = params.integer('member_limit');
  if (memberLimit !== undefined && (memberLimit < 1 || memberLimit > 99_999)) throw badRequest('USAGE_LIMIT_INVALID');
  const createsJoinRequest = params.boolean('creates_join_request');
  if (createsJoinRequest && memberLimit !== undefined) {
    throw badRequest("member_limit can't be specified for links requiring administrator approval");
  }
  const link = world.membership.createLink(chat, {
    name,
    expireDate: expireDate || undefined,
    memberLimit,
    createsJoinRequest,
  });
  return toInviteLink(world.state, link);
}

function revokeChatInviteLink(call: MethodCall): ChatInviteLink {
  const chat = managedChat(call);
  const { world, params } = call;
  const link = world.state.links.get(params.string('invite_link', true));
  if (!link || link.chatId !== chat.id) throw badRequest('INVITE_HASH_EXPIRED');
  link.isRevoked = true;
  return toInviteLink(world.state, link);
}

function approveChatJoinRequest(call: MethodCall): true {
  const chat = managedChat(call);
  call.world.membership.approve(chat, knownUser(call));
  return true;
}

function declineChatJoinRequest(call: MethodCall): true {
  const chat = managedChat(call);
  call.world.membership.decline(chat, knownUser(call));
  return true;
}

export const inviteMethods: MethodTable = { createChatInviteLink, revokeChatInviteLink, approveChatJoinRequest, declineChatJoinRequest };
