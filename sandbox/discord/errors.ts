// Discord's error answers: `{ message, code }` with the HTTP status Discord gives each code.
import type { EmulatorResponse } from '../base/emulator';

/** A refusal the REST routes throw; the emulator turns it into Discord's JSON error. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The errors the emulator gives, by name, as Discord words them. */
export const discordErrors = {
  unauthorized: () => new DiscordApiError(401, 0, '401: Unauthorized'),
  notFound: () => new DiscordApiError(404, 0, '404: Not Found'),
  unknownChannel: () => new DiscordApiError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new DiscordApiError(404, 10004, 'Unknown Guild'),
  unknownMember: () => new DiscordApiError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new DiscordApiError(404, 10008, 'Unknown Message'),
  unknownRole: () => new DiscordApiError(404, 10011, 'Unknown Role'),
  unknownUser: () => new DiscordApiError(404, 10013, 'Unknown User'),
  unknownApplication: () => new DiscordApiError(404, 10002, 'Unknown Application'),
  emptyMessage: () => new DiscordApiError(400, 50006, 'Cannot send an empty message'),
  cannotMessageUser: () => new DiscordApiError(403, 50007, 'Cannot send messages to this user'),
  missingPermissions: () => new DiscordApiError(403, 50013, 'Missing Permissions'),
  entityTooLarge: () => new DiscordApiError(413, 40005, 'Request entity too large'),
  unknownReference: () => new DiscordApiError(400, 50035, 'Invalid Form Body (message_reference: Unknown message)'),
  invalidForm: (detail: string) => new DiscordApiError(400, 50035, `Invalid Form Body (${detail})`),
};

export function errorResponse(err: DiscordApiError): EmulatorResponse {
  return { status: err.status, body: { message: err.message, code: err.code } };
}
