// What people do on Discord, as the core's neutral events: slash commands and button presses, answered within Discord's 3 s.
import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent } from 'discord-api-types/v10';
import { Events, type ButtonInteraction, type ChatInputCommandInteraction, type Client, type Interaction } from 'discord.js';
import type { Clock } from '../../core/clock';
import { respondWithAck, type ReplyChannel } from '../../core/inbound/ack';
import { isActionButton, type EventHandler, type InboundEvent, type Reply } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import type { Recipient } from '../../core/types';
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

function chatOf(interaction: ChatInputCommandInteraction | ButtonInteraction): Recipient {
  return interaction.guildId
    ? { platform: 'discord', chatId: interaction.channelId, tenant: interaction.guildId }
    : { platform: 'discord', chatId: interaction.user.id, direct: true };
}

/** The neutral event of an interaction we act on; null for the others (autocomplete, modals). */
export function toInboundEvent(interaction: Interaction): InboundEvent | null {
  if (!interaction.isChatInputCommand() && !interaction.isButton()) return null;
  const actor = { platform: 'discord', platformUserId: interaction.user.id, username: interaction.user.username, displayName: interaction.user.globalName ?? undefined };
  const chat = chatOf(interaction);
  const isPrivate = !interaction.guildId;
  // In a server the answers are ephemeral (replyChannel below): only the person sees them, so personal answers may be given there.
  const answeredPrivately = true;
  if (interaction.isButton()) return { type: 'button', actor, chat, isPrivate, answeredPrivately, data: interaction.customId, messageId: interaction.message.id };
  const args = interaction.options.data.map((o) => String(o.value ?? '')).join(' ').trim();
  return { type: 'command', actor, chat, isPrivate, answeredPrivately, command: interaction.commandName, args, messageId: interaction.id };
}

/**
 * Where one interaction's replies go: the first answers the interaction (only the person sees it in a
 * server), later ones follow up; a reply that edits the pressed button's message updates it.
 */
function replyChannel(interaction: ChatInputCommandInteraction | ButtonInteraction): ReplyChannel {
  const flags = interaction.guildId ? MessageFlags.Ephemeral : undefined;
  return {
    async send(reply) {
      const body = { content: clip(reply.text, LIMITS.content), components: replyComponents(reply), allowedMentions: { parse: [] } };
      if (reply.editMessageId) {
        if (interaction.isButton() && !interaction.replied && !interaction.deferred && reply.editMessageId === interaction.message.id) {
          await interaction.update(body);
          return interaction.message.id;
        }
        const edited = await interaction.editReply(body);
        return edited.id;
      }
      if (!interaction.replied && !interaction.deferred) {
        const sent = await interaction.reply({ ...body, ...(flags ? { flags } : {}), withResponse: true });
        return sent.resource?.message?.id;
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
