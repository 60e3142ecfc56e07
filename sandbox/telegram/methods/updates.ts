// Receiving updates: getUpdates (long polling) and the webhook methods.
import type { Update, WebhookInfo } from 'grammy/types';
import { badRequest, conflict } from '../errors';
import { compact } from '../objects';
import { Described, type MethodCall, type MethodTable } from './method';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function readAllowedUpdates({ params }: MethodCall): string[] | undefined {
  const list = params.json<unknown>('allowed_updates', 'allowed updates');
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.some((k) => typeof k !== 'string')) throw badRequest("can't parse allowed updates JSON object");
  return list as string[];
}

async function getUpdates(call: MethodCall): Promise<Update[]> {
  const { world, params, signal } = call;
  if (world.webhook.settings) throw conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  const limit = Math.min(100, Math.max(1, params.integer('limit') ?? 100));
  const timeoutSeconds = Math.max(0, params.integer('timeout') ?? 0);
  world.updates.setAllowed(readAllowedUpdates(call));
  return world.updates.poll({ offset: params.integer('offset'), limit, timeoutSeconds, signal });
}

function removeWebhook(call: MethodCall): Described {
  const { world, params } = call;
  const had = world.webhook.settings !== undefined;
  world.webhook.delete();
  if (params.boolean('drop_pending_updates')) world.updates.drop();
  return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}

function setWebhook(call: MethodCall): Described {
  const { world, params } = call;
  const url = params.string('url') ?? '';
  if (url === '') return removeWebhook(call);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: invalid webhook URL specified');
  }
  // Telegram wants public HTTPS; the emulator may only reach this machine.
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) throw badRequest('bad webhook: the emulator delivers only to 127.0.0.1 or localhost');
  const secretToken = params.string('secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw badRequest('secret token contains unallowed characters');
  const maxConnections = params.integer('max_connections') ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw badRequest('bad webhook: max_connections must be between 1 and 100');
  const same = world.webhook.settings?.url === url;
  world.updates.setAllowed(readAllowedUpdates(call));
  if (params.boolean('drop_pending_updates')) world.updates.drop();
  // Polls still waiting end the way Telegram ends them.
  world.updates.cancelPolls(conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"));
  world.webhook.set({ url, secretToken, maxConnections, ipAddress: params.string('ip_address') });
  return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
}

function getWebhookInfo({ world }: MethodCall): WebhookInfo {
  const settings = world.webhook.settings;
  const allowed = world.updates.allowedUpdates;
  return compact<Record<string, unknown>>({
    url: settings?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: world.updates.pendingCount,
    ip_address: settings?.ipAddress,
    last_error_date: settings ? world.webhook.lastError?.date : undefined,
    last_error_message: settings ? world.webhook.lastError?.message : undefined,
    max_connections: settings?.maxConnections,
    allowed_updates: settings && allowed.length > 0 ? allowed : undefined,
  }) as unknown as WebhookInfo;
}

export const updateMethods: MethodTable = { getUpdates, setWebhook, deleteWebhook: removeWebhook, getWebhookInfo };
