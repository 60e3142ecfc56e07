// The menu as Discord slash commands (typed options: plan choices, a user picker, operator commands hidden from members), and an interaction's options back as the neutral handlers' arguments.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { formatPrice } from '../../core/plans/describe';
import { offersOn, paidPlans } from '../../core/plans/lookup';
import type { PlansConfig } from '../../core/plans/schema';
import type { CommandInfo } from '../commands/help';
import { clip } from './render';

/** Discord's limits on commands (https://discord.com/developers/docs/interactions/application-commands#application-command-object). */
export const COMMAND_LIMITS = { description: 100, choices: 25, choiceName: 100, choiceValue: 100 } as const;

/** What to offer in an option's choices: the paid plans offered on Discord (what /subscribe sells), or every paid plan (what /grant gives). */
type ChoiceSource = 'offered_plans' | 'paid_plans' | readonly string[];

/** One option of a command, in the order the neutral handler reads its arguments. */
interface OptionSpec {
  name: string;
  description: string;
  type: ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.User;
  required?: boolean;
  choices?: ChoiceSource;
  /** Written before the value in the arguments: /link's `remove: Telegram` is "remove Telegram". */
  prefix?: string;
  min?: number;
  max?: number;
}

const { String: TEXT, Integer: INTEGER, User: USER } = ApplicationCommandOptionType;

/**
 * Each command's options. A command not named here takes none. The arguments are the options'
 * values in this order, so `/grant user:@ada plan:vip days:30` reaches the handler as "<ada's id> vip 30".
 */
const OPTIONS: Readonly<Record<string, readonly OptionSpec[]>> = {
  start: [{ name: 'code', type: TEXT, description: 'A referral code (ref_…) or a code from /link in another app (link_…)' }],
  subscribe: [{ name: 'plan', type: TEXT, description: 'The plan to subscribe to', choices: 'offered_plans' }],
  settings: [
    { name: 'change', type: TEXT, description: 'What to change (the buttons change bands and direct messages)', choices: ['symbols', 'sides', 'band', 'dm', 'quiet', 'timezone'] },
    { name: 'to', type: TEXT, description: 'The new value: BTC,ETH or all; long,short; A, B or all; on or off; 22:00-07:00 Europe/London' },
  ],
  link: [{ name: 'remove', type: TEXT, description: 'Unlink an app from your account instead, e.g. Telegram', prefix: 'remove' }],
  publish: [{ name: 'signal', type: TEXT, required: true, description: 'SYMBOL SIDE CONVICTION reason; another reason (e.g. BTC long 0.8 breakout; volume)' }],
  grant: [
    { name: 'user', type: USER, required: true, description: 'Who gets the plan' },
    { name: 'plan', type: TEXT, required: true, description: 'The plan to give', choices: 'paid_plans' },
    { name: 'days', type: INTEGER, required: true, description: 'For how many days', min: 1, max: 3650 },
  ],
  revoke: [{ name: 'user', type: USER, required: true, description: 'Whose granted plan ends' }],
};

/** What the menu is built from: the neutral command lists and the plans. */
export interface SlashMenu {
  public: readonly CommandInfo[];
  operator: readonly CommandInfo[];
  plans?: PlansConfig | undefined;
}

function choicesOf(source: ChoiceSource, plans: PlansConfig | undefined): { name: string; value: string }[] | undefined {
  if (typeof source !== 'string') return source.map((value) => ({ name: value, value }));
  if (!plans) return undefined;
  const list = source === 'offered_plans' ? paidPlans(plans).filter((p) => offersOn(p, 'discord')) : paidPlans(plans);
  return list.slice(0, COMMAND_LIMITS.choices).map((p) => ({
    name: clip(source === 'offered_plans' ? `${p.name}, ${formatPrice(p)}` : p.name, COMMAND_LIMITS.choiceName),
    value: p.id.slice(0, COMMAND_LIMITS.choiceValue),
  }));
}

function option(spec: OptionSpec, plans: PlansConfig | undefined): APIApplicationCommandBasicOption {
  const base = { name: spec.name, description: clip(spec.description, COMMAND_LIMITS.description), required: spec.required ?? false };
  if (spec.type === USER) return { ...base, type: USER };
  if (spec.type === INTEGER) return { ...base, type: INTEGER, ...(spec.min !== undefined ? { min_value: spec.min } : {}), ...(spec.max !== undefined ? { max_value: spec.max } : {}) };
  const choices = spec.choices ? choicesOf(spec.choices, plans) : undefined;
  return { ...base, type: TEXT, ...(choices?.length ? { choices } : {}) };
}

function command(info: CommandInfo, plans: PlansConfig | undefined, operator: boolean): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const options = (OPTIONS[info.command] ?? []).map((spec) => option(spec, plans));
  return {
    type: ApplicationCommandType.ChatInput,
    name: info.command,
    description: clip(info.description, COMMAND_LIMITS.description),
    ...(options.length > 0 ? { options } : {}),
    integration_types: [ApplicationIntegrationType.GuildInstall],
    // Members run commands in the server (answers only they see) or in their DMs with the bot; operators only in the server.
    contexts: operator ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM],
    // "0": hidden from everyone but the server's administrators, who can allow others (Server Settings → Integrations).
    // The handlers check the operator ids anyway.
    ...(operator ? { default_member_permissions: '0' } : {}),
  };
}

/** The whole menu, for a bulk overwrite of the application's global commands. */
export function slashCommands(menu: SlashMenu): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [...menu.public.map((c) => command(c, menu.plans, false)), ...menu.operator.map((c) => command(c, menu.plans, true))];
}

/** One option as discord.js gives it (`interaction.options.data`): a user option's value is the user's id. */
export interface GivenOption {
  name: string;
  value?: string | number | boolean | undefined;
}

/** The neutral handler's arguments from a command's options, in the order the handler reads them; unknown ones after, as given. */
export function argsOf(commandName: string, given: readonly GivenOption[]): string {
  const specs = OPTIONS[commandName] ?? [];
  const valueOf = (o: GivenOption | undefined) => (o?.value === undefined ? '' : String(o.value).trim());
  const known = specs.flatMap((spec) => {
    const value = valueOf(given.find((o) => o.name === spec.name));
    return value === '' ? [] : [spec.prefix ? `${spec.prefix} ${value}` : value];
  });
  const others = given.filter((o) => !specs.some((s) => s.name === o.name)).map(valueOf).filter(Boolean);
  return [...known, ...others].join(' ');
}
