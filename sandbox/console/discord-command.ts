// A slash command typed into the console ("/subscribe vip", "/settings change:band to:A") as the options Discord's client would send.
import { ApplicationCommandOptionType, type APIApplicationCommand, type APIApplicationCommandInteractionDataOption, type APIApplicationCommandOption } from 'discord-api-types/v10';
import { ConsoleInputError } from './section';

type BasicOption = Extract<APIApplicationCommandOption, { type: ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.User }>;

const SUPPORTED = new Set<ApplicationCommandOptionType>([ApplicationCommandOptionType.String, ApplicationCommandOptionType.Integer, ApplicationCommandOptionType.User]);

/** "/name rest": the command's name and what follows it. */
export function splitCommand(raw: string): { name: string; args: string } {
  const text = raw.trim();
  if (!text) throw new ConsoleInputError('Type a slash command to run, e.g. /plans (text is empty).');
  const match = /^\/([\w-]{1,32})(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) throw new ConsoleInputError(`Discord bots here answer slash commands: type one starting with /, e.g. /plans (got ${JSON.stringify(text.slice(0, 40))}).`);
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

/** How the console writes a command's options: "/subscribe [plan]". */
export function usageOf(command: APIApplicationCommand): string {
  const options = (command.options ?? []).map((o) => ('required' in o && o.required ? `<${o.name}>` : `[${o.name}]`));
  return [`/${command.name}`, ...options].join(' ');
}

/** The values given: as `name:value` pairs, or else in the options' order, the last one taking the rest of the text. */
function valuesOf(options: BasicOption[], args: string): Map<BasicOption, string> {
  const values = new Map<BasicOption, string>();
  if (!args) return values;
  const named = new RegExp(`(?:^|\\s)(${options.map((o) => o.name).join('|')}):`, 'g');
  const marks = options.length ? [...args.matchAll(named)] : [];
  if (marks.length > 0) {
    marks.forEach((m, i) => {
      const start = m.index + m[0].length;
      const end = marks[i + 1]?.index ?? args.length;
      values.set(options.find((o) => o.name === m[1])!, args.slice(start, end).trim());
    });
    return values;
  }
  let rest = args;
  options.forEach((option, i) => {
    if (!rest) return;
    const last = i === options.length - 1;
    const word = last ? rest : (/^\S+/.exec(rest)?.[0] ?? '');
    values.set(option, word);
    rest = rest.slice(word.length).trim();
  });
  return values;
}

function typed(option: BasicOption, value: string, command: string): APIApplicationCommandInteractionDataOption {
  const where = `/${command} ${option.name}`;
  if (option.type === ApplicationCommandOptionType.Integer) {
    if (!/^-?\d{1,15}$/.test(value)) throw new ConsoleInputError(`${where} takes a whole number, got ${JSON.stringify(value)}.`);
    return { type: option.type, name: option.name, value: Number(value) };
  }
  if (option.type === ApplicationCommandOptionType.User) {
    const id = /^<@!?(\d{17,20})>$/.exec(value)?.[1] ?? value;
    if (!/^\d{17,20}$/.test(id)) throw new ConsoleInputError(`${where} takes a Discord user id, got ${JSON.stringify(value)}.`);
    return { type: option.type, name: option.name, value: id };
  }
  const choices = option.choices ?? [];
  if (choices.length > 0) {
    const chosen = choices.find((c) => String(c.value).toLowerCase() === value.toLowerCase() || c.name.toLowerCase() === value.toLowerCase());
    if (!chosen) throw new ConsoleInputError(`${where} is one of ${choices.map((c) => String(c.value)).join(', ')} (got ${JSON.stringify(value)}).`);
    return { type: option.type, name: option.name, value: String(chosen.value) };
  }
  return { type: option.type, name: option.name, value };
}

/** The options of `args` for `command`, typed and checked as Discord's client would before sending. */
export function commandOptions(command: APIApplicationCommand, args: string): APIApplicationCommandInteractionDataOption[] {
  const options = (command.options ?? []).filter((o): o is BasicOption => SUPPORTED.has(o.type));
  if (args && options.length === 0) throw new ConsoleInputError(`/${command.name} takes nothing after it (got ${JSON.stringify(args.slice(0, 40))}).`);
  const values = valuesOf(options, args);
  const missing = options.filter((o) => o.required && !values.get(o));
  if (missing.length > 0) throw new ConsoleInputError(`${usageOf(command)}: ${missing.map((o) => o.name).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} needed.`);
  return options.flatMap((o) => {
    const value = values.get(o);
    return value ? [typed(o, value, command.name)] : [];
  });
}
