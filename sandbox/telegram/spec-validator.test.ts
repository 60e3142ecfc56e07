import { describe, expect, it } from 'vitest';
import { loadBotApiSpec, SpecValidator } from './spec-validator';

const validator = new SpecValidator(loadBotApiSpec());
const user = { id: 42, is_bot: false, first_name: 'Ada' };

describe('SpecValidator', () => {
  it('accepts an object with the right fields and types', () => {
    expect(validator.check('User', user)).toEqual([]);
    expect(validator.check('Array of Array of InlineKeyboardButton', [[{ text: 'Pay', url: 'https://x.test' }]])).toEqual([]);
  });

  it('names a missing required field', () => {
    expect(validator.check('User', { id: 42, first_name: 'Ada' })).toEqual(['$.is_bot: required field of User is missing']);
  });

  it('names a field the type does not have', () => {
    expect(validator.check('User', { ...user, nickname: 'a' })).toEqual(['$.nickname: not a field of User']);
  });

  it('names a value of the wrong type, also inside arrays', () => {
    expect(validator.check('User', { ...user, id: '42' })).toEqual(['$.id: expected Integer, got "42"']);
    expect(validator.check('User', { ...user, id: 4.2 })).toEqual(['$.id: expected Integer, got 4.2']);
    expect(validator.check('Array of BotCommand', [{ command: 'start', description: 1 }])).toEqual(['$[0].description: expected String, got 1']);
  });

  it('refuses null where Telegram would leave the field out', () => {
    expect(validator.check('User', { ...user, username: null })).toEqual(['$.username: null (Telegram leaves absent fields out)']);
  });

  it('picks the kind of a union by its constant field and checks that kind', () => {
    expect(validator.check('ChatMember', { status: 'kicked', user, until_date: 0 })).toEqual([]);
    expect(validator.check('ChatMember', { status: 'kicked', user })).toEqual(['$.until_date: required field of ChatMemberBanned is missing']);
    expect(validator.check('ChatMember', { status: 'banned', user })[0]).toMatch(/matches no kind of ChatMember/);
  });

  it('accepts either type of a field with two', () => {
    expect(validator.checkParams('sendMessage', { chat_id: '@channel', text: 'x' })).toEqual([]);
    expect(validator.checkParams('sendMessage', { chat_id: 1, text: 'x' })).toEqual([]);
  });

  it('checks what a method returned against its return type', () => {
    expect(validator.checkResult('getMe', { ...user, is_bot: true })).toEqual([]);
    expect(validator.checkResult('banChatMember', 'yes')).toEqual(['banChatMember(): expected Boolean, got "yes"']);
  });

  it('names unknown and missing parameters of a call', () => {
    expect(validator.checkParams('sendMessage', { chat_id: 1, txt: 'x' })).toEqual([
      'sendMessage.txt: not a parameter of sendMessage',
      'sendMessage.text: required parameter is missing',
    ]);
  });
});
