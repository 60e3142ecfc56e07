// The test worlds build the service synchronously, on settings that name several platforms, Stripe and a model: this
// imports every library the service may load (what main.ts does for the configured ones only, app/libraries.ts).
import { ADAPTERS } from '../adapters/table';
import { stripeBilling } from '../billing';
import { openaiModel } from '../rationale';

/** Every adapter of the table, billing on Stripe and the rationale model, imported. */
export async function loadAllLibraries(): Promise<void> {
  await Promise.all([...ADAPTERS.map((row) => row.load?.()), stripeBilling.load(), openaiModel.load()]);
}
