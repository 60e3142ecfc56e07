// Which of the sandbox's emulators the settings call for: a pure check, so production decides without loading sandbox/.
import type { Config } from '../config';

/** The emulators to start: each is true only in sandbox mode, for a setting left unset. */
export interface SandboxNeeds {
  readonly telegram: boolean;
  readonly discord: boolean;
  readonly slack: boolean;
  readonly stripe: boolean;
  /** The OpenAI emulator writes the rationales: rationales on, and neither OPENAI_API_KEY nor OPENAI_BASE_URL set. */
  readonly openai: boolean;
}

/**
 * Which emulators these settings call for: none once a real platform token is set (then a missing
 * STRIPE_SECRET_KEY means payments are off, never a local Stripe real subscribers could be sent to);
 * in sandbox mode Telegram, Discord and Slack, Stripe unless STRIPE_SECRET_KEY is set, and OpenAI
 * when rationales are on and no model is set.
 */
export function sandboxNeeds(config: Config): SandboxNeeds {
  if (!config.sandbox) return { telegram: false, discord: false, slack: false, stripe: false, openai: false };
  return {
    telegram: !config.telegram.token, discord: !config.discord.token, slack: !config.slack.botToken && !config.slack.clientId, stripe: !config.stripe.secretKey,
    openai: config.rationales.enabled && !config.openai.apiKey && !config.openai.baseUrl,
  };
}
