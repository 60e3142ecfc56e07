// stub
import type { ScenarioResult } from './report';
export async function runLatency(): Promise<ScenarioResult> {
  return { scenario: 'latency', title: 'latency', setup: '', figures: [], data: {}, pending: 'not written yet' };
}
