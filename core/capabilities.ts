// What this running service can actually deliver: built in app/ from the running adapters' declared capabilities, so that no plan sells more.
import type { AccessKind, PlatformCapabilities } from './platform/adapter';
import type { PlatformName } from './types';

/** The features a plan may list, and whether this running service delivers each. */
export interface Capabilities {
  /** The chat platforms whose bot or sender runs now. */
  platforms: readonly PlatformName[];
  /** The gated access each running platform's adapter supports (its `capabilities.access`); a platform not listed gates nothing. */
  access: Readonly<Record<PlatformName, readonly AccessKind[]>>;
  /** Paid plans can be bought (Stripe is configured). */
  payments: boolean;
  /** A rationale writer runs: each alert is followed by its reasoning. */
  rationale: boolean;
  /** The daily snapshot job runs. */
  snapshot: boolean;
  /** Subscribers get their own API access. */
  subscriberApi: boolean;
}

/** A running adapter as capabilities need it: its name and the access kinds it declares. */
export interface RunningPlatform {
  name: PlatformName;
  capabilities: Pick<PlatformCapabilities, 'access'>;
}

/** The content this service writes besides alerts: each true only when its writer or job runs. */
export interface ContentFeatures {
  /** The rationale writer runs (RATIONALES on). */
  rationale: boolean;
  /** The daily snapshot job is scheduled (SNAPSHOT_TIME not off). */
  snapshot: boolean;
}

/**
 * What this version can deliver with the given adapters running, payments on or off, and the
 * content features running (none unless given). No subscriber API yet. A bare name is a running
 * platform that gates nothing.
 */
export function currentCapabilities(running: readonly (RunningPlatform | PlatformName)[], payments: boolean, content: ContentFeatures = { rationale: false, snapshot: false }): Capabilities {
  const access: Record<PlatformName, readonly AccessKind[]> = {};
  for (const p of running) if (typeof p !== 'string') access[p.name] = p.capabilities.access;
  const platforms = running.map((p) => (typeof p === 'string' ? p : p.name));
  return { platforms, access, payments, rationale: content.rationale, snapshot: content.snapshot, subscriberApi: false };
}

/** Whether a running platform's adapter gives this kind of access. */
export function supportsAccess(capabilities: Pick<Capabilities, 'platforms' | 'access'>, platform: PlatformName, kind: AccessKind): boolean {
  return capabilities.platforms.includes(platform) && (capabilities.access[platform] ?? []).includes(kind);
}
