// What a slash command typed into the console sends: its options typed as Discord's client sends them, or why it cannot be sent.
import { ApplicationCommandOptionType, ApplicationCommandType, type APIApplicationCommand, type APIApplicationCommandOption } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { commandOptions, splitCommand, usageOf } from './discord-command';

const { String: TEXT, Integer: INTEGER, User: USER } = ApplicationCommandOptionType;

function command(name: string, options: APIApplicationCommandOption[] = []): APIApplicationCommand {
  return { id: '1', application_id: '2', version: '3', default_member_permissions: null, type: ApplicationCommandType.ChatInput, name, description: name, ...(options.length ? { options } : {}) };
}

const subscribe = command('subscribe', [{ type: TEXT, name: 'plan', description: 'plan', choices: [{ name: 'VIP, $49.00/month', value: 'vip' }, { name: 'Pro, $19.00/month', value: 'pro' }] }]);
const settings = command('settings', [{ type: TEXT, name: 'change', description: 'what' }, { type: TEXT, name: 'to', description: 'value' }]);
const grant = command('grant', [
  { type: USER, name: 'user', description: 'who', required: true },
  { type: TEXT, name: 'plan', description: 'plan', required: true },
  { type: INTEGER, name: 'days', description: 'days', required: true },
]);

describe('a slash command typed into the console', () => {
  it('splits the name from what follows, and refuses text that is not a slash command', () => {
    expect(splitCommand('  /Subscribe  vip ')).toEqual({ name: 'subscribe', args: 'vip' });
    expect(() => splitCommand('')).toThrow(/text is empty/);
    expect(() => splitCommand('subscribe vip')).toThrow(/starting with \//);
  });

  it('fills the options in order, the last one taking the rest of the text, or by name:value', () => {
    expect(commandOptions(settings, 'quiet 22:00-07:00 Europe/London')).toEqual([
      { type: TEXT, name: 'change', value: 'quiet' },
      { type: TEXT, name: 'to', value: '22:00-07:00 Europe/London' },
    ]);
    expect(commandOptions(settings, 'to:A change:band')).toEqual([{ type: TEXT, name: 'change', value: 'band' }, { type: TEXT, name: 'to', value: 'A' }]);
    expect(commandOptions(settings, '')).toEqual([]);
  });

  it('takes a choice by its value or its name, and names the choices when none matches', () => {
    expect(commandOptions(subscribe, 'VIP')).toEqual([{ type: TEXT, name: 'plan', value: 'vip' }]);
    expect(commandOptions(subscribe, 'Pro, $19.00/month')).toEqual([{ type: TEXT, name: 'plan', value: 'pro' }]);
    expect(() => commandOptions(subscribe, 'gold')).toThrow('/subscribe plan is one of vip, pro (got "gold").');
  });

  it('types users and whole numbers, and says which required options are missing', () => {
    expect(commandOptions(grant, '<@123456789012345678> vip 30')).toEqual([
      { type: USER, name: 'user', value: '123456789012345678' },
      { type: TEXT, name: 'plan', value: 'vip' },
      { type: INTEGER, name: 'days', value: 30 },
    ]);
    expect(() => commandOptions(grant, '123456789012345678 vip thirty')).toThrow('/grant days takes a whole number, got "thirty".');
    expect(() => commandOptions(grant, 'ada vip 30')).toThrow('/grant user takes a Discord user id, got "ada".');
    expect(() => commandOptions(grant, '123456789012345678')).toThrow('/grant <user> <plan> <days>: plan and days are needed.');
    expect(usageOf(subscribe)).toBe('/subscribe [plan]');
  });

  it('refuses anything after a command that takes nothing', () => {
    expect(() => commandOptions(command('plans'), 'vip')).toThrow('/plans takes nothing after it (got "vip").');
  });
});
