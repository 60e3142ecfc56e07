// The test platform adapter: built from its URL and token, checked at construction.
import type { ChatPlatform } from '../../core/delivery/chat-platform';
import { SignalcastError } from '../../core/errors';
import { TestchatPlatform, type TestchatPlatformOptions } from './platform';

export { TestchatPlatform, type TestchatPlatformOptions } from './platform';
export { toDeliveryError } from './errors';
export { renderText } from './render';

/** Fails at start, naming the setting, when the URL or token is unusable. */
export function createTestchatPlatform(options: TestchatPlatformOptions): ChatPlatform {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new SignalcastError('config_invalid', 'TESTCHAT_URL: expected a URL such as http://127.0.0.1:9999');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SignalcastError('config_invalid', 'TESTCHAT_URL: expected an http:// or https:// URL');
  if (!options.token || /[\s/]/.test(options.token)) throw new SignalcastError('config_invalid', 'TESTCHAT_TOKEN: expected a token without spaces or slashes');
  return new TestchatPlatform({ ...options, url: options.url.replace(/\/+$/, '') });
}
