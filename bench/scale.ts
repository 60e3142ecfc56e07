// stub
import type { ScenarioResult } from './report';
export async function runScale(): Promise<ScenarioResult> {
  return { scenario: 'scale', title: 'scale', setup: '', figures: [], data: {}, pending: 'not written yet' };
}
