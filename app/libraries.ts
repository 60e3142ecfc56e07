// Imports the libraries the settings call for, before the service is composed: the configured platforms' adapters (and their
// SDKs), billing on Stripe with STRIPE_SECRET_KEY, the openai client with a rationale model. Nothing else is loaded, so a
// Telegram-only service never carries discord.js, @slack/bolt, stripe or openai (main.imports.test.ts checks the build).
import type { Config } from '../config';
import { stripeBilling } from './billing';
import { openaiModel, wantsRationaleModel } from './rationale';
import { ADAPTERS, type AdapterRow } from './adapters/table';

/** The adapter modules of the rows configured in `config`. */
export async function loadAdapters(rows: readonly AdapterRow[], config: Config): Promise<void> {
  await Promise.all(rows.filter((row) => row.settings(config) !== null).map((row) => row.load?.()));
}

/** Everything `createService` will build on these settings (the adapters of `rows`, billing, the rationale model). */
export async function loadLibraries(config: Config, rows: readonly AdapterRow[] = ADAPTERS): Promise<void> {
  await Promise.all([
    loadAdapters(rows, config),
    config.stripe.secretKey ? stripeBilling.load() : undefined,
    wantsRationaleModel(config) ? openaiModel.load() : undefined,
  ]);
}
