// What the sketch adapter's contract tests give it from the service: nothing it keeps (it has no memberships or installations).
import { FakeClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import type { AdapterContext } from '../../../core/platform/adapter';
import { GUILDCHAT } from './adapter';

/** What the sketch adapter needs from the service: nothing it uses (it keeps no memberships). */
export const sketchContext = (): AdapterContext => ({
  logger: silentLogger, clock: new FakeClock(), publicUrl: undefined, platforms: [GUILDCHAT],
  access: { store: undefined as never, notices: async () => ({ sent: true }) },
  installations: undefined as never,
});
