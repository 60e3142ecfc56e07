// One OpenAI emulator for a test file (started before its tests, reset after each, stopped after the file), and the settings that point a service at it.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../../sandbox/openai';

export interface ModelSettingsOptions {
  /** OPENAI_TIMEOUT_MS (default 5000). */
  timeoutMs?: number | undefined;
  /** OPENAI_MAX_RETRIES (default 0: each test says when the client may retry). */
  retries?: number | undefined;
  disclaimer?: string | undefined;
}

export interface ModelWorld {
  /** The emulator; set before the file's first test. */
  readonly openai: OpenAIEmulator;
  /** The service settings for the model at the emulator. */
  settings(options?: ModelSettingsOptions): Record<string, string>;
}

/**
 * Registers the file's hooks: the emulator before all tests; after each, what the test started
 * (`running`, last first) is stopped and the emulator reset; after all, the emulator stopped.
 */
export function useOpenAIEmulator(running: (() => Promise<void>)[]): ModelWorld {
  let emulator: OpenAIEmulator | undefined;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator();
  });
  afterAll(() => emulator?.stop());
  afterEach(async () => {
    for (const stop of running.splice(0).reverse()) await stop();
    emulator?.reset();
  });
  const world: ModelWorld = {
    get openai(): OpenAIEmulator {
      if (!emulator) throw new Error('the OpenAI emulator starts before the first test');
      return emulator;
    },
    settings: (options = {}) => ({
      OPENAI_API_KEY: world.openai.apiKey,
      OPENAI_BASE_URL: world.openai.baseURL,
      OPENAI_MAX_RETRIES: String(options.retries ?? 0),
      OPENAI_TIMEOUT_MS: String(options.timeoutMs ?? 5_000),
      ...(options.disclaimer !== undefined ? { DISCLAIMER: options.disclaimer } : {}),
    }),
  };
  return world;
}
