// `signalcast workspaces list`: each workspace the app is installed in, its account (to grant a plan to), licence and channels. No token is printed.
import type { WorkspaceSummary } from '../../db/stores/workspace-directory';
import { formatTable, type CliIo } from '../io';

/** What the workspaces commands need. */
export interface WorkspaceAdmin {
  list(filter?: { platform?: string }): WorkspaceSummary[];
}

const day = (t: number | null) => (t === null ? '' : ` until ${new Date(t).toISOString().slice(0, 10)}`);

function licenceText(w: WorkspaceSummary): string {
  if (!w.licence) return 'none';
  return `${w.licence.planId} (${w.licence.reason}${day(w.licence.until)})`;
}

function channelsText(w: WorkspaceSummary): string {
  if (w.channels.length === 0) return '-';
  return w.channels.map((c) => `${c.label ?? c.chatId}${c.enabled ? '' : ` (off: ${c.disabledReason ?? 'disabled'})`}`).join(', ');
}

export function workspacesList(deps: { workspaces: WorkspaceAdmin; io: CliIo }, options: { platform?: string; json?: boolean } = {}): WorkspaceSummary[] {
  const list = deps.workspaces.list(options.platform ? { platform: options.platform } : {});
  if (options.json) {
    deps.io.out(JSON.stringify(list));
  } else if (list.length === 0) {
    deps.io.out('No workspace has installed the app yet.');
  } else {
    const rows = list.map((w) => [
      w.platform, w.tenant, w.name ?? '-', w.state === 'revoked' ? `revoked (${w.revokedReason ?? '?'})` : 'installed', w.accountId ?? '-', licenceText(w), channelsText(w),
    ]);
    for (const line of formatTable(['PLATFORM', 'TENANT', 'NAME', 'STATE', 'ACCOUNT', 'LICENCE', 'CHANNELS'], rows)) deps.io.out(line);
    deps.io.out('');
    deps.io.out('Grant a workspace a plan through its ACCOUNT id with the existing grant paths (the operator\'s /grant, or Stripe).');
  }
  return list;
}
