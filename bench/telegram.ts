// stub
import type { ScenarioResult } from './report';
export async function runTelegram(): Promise<ScenarioResult> {
  return { scenario: 'telegram', title: 'telegram', setup: '', figures: [], data: {}, pending: 'not written yet' };
}
