// What people do on Discord, as the core's neutral events: slash commands and button presses, answered within Discord's 3 s.
import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent } from 'discord-api-types/v10';
import { Events, type ButtonInteraction, type ChatInputCommandInteraction, type Client, type Interaction } from 'discord.js';
import type { Clock } from '../../core/clock';
import { respondWithAck, type ReplyChannel } from '../../core/inbound/ack';
import { isActionButton, type EventHandler, type InboundEvent, type Reply } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import type { Recipient } from '../../core/types';
import { argsOf } from './commands';
import { clip, LIMITS } from './render';

/** Discord waits 3 s for a first answer; "Working on it…" goes out well before. */
export const DISCORD_ACK_WITHIN_MS = 2_000;

/** A reply's buttons as Discord components: links as link buttons, actions with their data as custom_id. */
export function replyComponents(reply: Reply): APIActionRowComponent<APIButtonComponent>[] {
  return (reply.buttons ?? []).slice(0, LIMITS.rows).map((row) => ({
    type: ComponentType.ActionRow,
    components: row.slice(0, LIMITS.buttonsPerRow).map((b): APIButtonComponent => (isActionButton(b)
      ? { type: ComponentType.Button, style: ButtonStyle.Primary, label: clip(b.label, LIMITS.buttonLabel), custom_id: b.data.slice(0, 100) }
      : { type: ComponentType.Button, style: ButtonStyle.Link, label: clip(b.label, LIMITS.buttonLabel), url: b.url })),
  }));
}

/**
 * The person's private chat with the bot, as the core's events name it: their DMs. An interaction in
 * a server is answered only to them (ephemeral), so it is private too, and what the bot sends them
 * later (alerts, notices) goes to their DMs, never to the channel they ran the command in.
 */
function chatOf(interaction: ChatInputCommandInteraction | ButtonInteraction): Recipient {
  return { platform: 'discord', chatId: interaction.user.id, direct: true };
}

/** The neutral event of an interaction we act on; null for the others (autocomplete, modals). */
export function toInboundEvent(interaction: Interaction): InboundEvent | null {
  if (!interaction.isChatInputCommand() && !interaction.isButton()) return null;
  const actor = { platform: 'discord', platformUserId: interaction.user.id, username: interaction.user.username, displayName: interaction.user.globalName ?? undefined };
  const chat = chatOf(interaction);
  if (interaction.isButton()) return { type: 'button', actor, chat, isPrivate: true, data: interaction.customId, messageId: interaction.message.id };
  const args = argsOf(interaction.commandName, interaction.options.data);
  return { type: 'command', actor, chat, isPrivate: true, command: interaction.commandName, args, messageId: interaction.id };
}

/** Whether only the person sees the message a button is on (an ephemeral answer, or their DMs): only then may an answer replace it. */
function onPersonalMessage(interaction: ButtonInteraction): boolean {
  return !interaction.guildId || interaction.message.flags.has(MessageFlags.Ephemeral);
}

/**
 * Where one interaction's replies go: the first answers the interaction (only the person sees it in a
 * server), later ones follow up. A reply that edits the pressed button's personal message updates it;
 * one that edits the first answer (the acknowledgement) edits it in place; an edit of any other
 * message, which an interaction cannot reach, comes as a new answer.
 */
function replyChannel(interaction: ChatInputCommandInteraction | ButtonInteraction): ReplyChannel {
  const flags = interaction.guildId ? MessageFlags.Ephemeral : undefined;
  let originalId: string | undefined;
  return {
    async send(reply) {
      const body = { content: clip(reply.text, LIMITS.content), components: replyComponents(reply), allowedMentions: { parse: [] } };
      const answered = interaction.replied || interaction.deferred;
      if (reply.editMessageId !== undefined) {
        if (!answered && interaction.isButton() && reply.editMessageId === interaction.message.id && onPersonalMessage(interaction)) {
          await interaction.update(body);
          return (originalId = interaction.message.id);
        }
        if (answered && reply.editMessageId === originalId) return (await interaction.editReply(body)).id;
      }
      if (!answered) {
        const sent = await interaction.reply({ ...body, ...(flags ? { flags } : {}), withResponse: true });
        return (originalId = sent.resource?.message?.id);
      }
      const sent = await interaction.followUp({ ...body, ...(flags ? { flags } : {}) });
      return sent.id;
    },
  };
}

/** Sends every slash command and button press to `onEvent`, and its replies back, acknowledged within Discord's deadline. */
export function installInteractions(client: Client, deps: { onEvent: () => EventHandler; clock: Clock; logger: Logger; ackWithinMs?: number | undefined }): void {
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const event = toInboundEvent(interaction);
    if (!event || !(interaction.isChatInputCommand() || interaction.isButton())) return;
    respondWithAck(() => deps.onEvent()(event), replyChannel(interaction), { ackWithinMs: deps.ackWithinMs ?? DISCORD_ACK_WITHIN_MS, edits: true, clock: deps.clock })
      .catch((err: unknown) => deps.logger.error({ err, interactionId: interaction.id }, 'a Discord interaction failed'));
  });
}
