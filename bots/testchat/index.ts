// The test platform adapter: built from its URL and token, checked at construction.
import type { ChatPlatform } from '../../core/delivery/chat-platform';
import { checkTestchatSettings } from './adapter';
import { TestchatPlatform, type TestchatPlatformOptions } from './platform';

export { TestchatPlatform, TestchatApi, type TestchatPlatformOptions } from './platform';
export { createTestchatAdapter, TESTCHAT_WEBHOOK_PATH, type TestchatAdapterSettings, type TestchatAdapterContext } from './adapter';
export { TestchatAccessGate } from './access';
export { toDeliveryError } from './errors';
export { renderText, renderReply } from './render';

/** The sending side alone. Fails at start, naming the setting, when the URL or token is unusable. */
export function createTestchatPlatform(options: TestchatPlatformOptions): ChatPlatform {
  const { url, token } = checkTestchatSettings(options);
  return new TestchatPlatform({ ...options, url, token });
}
