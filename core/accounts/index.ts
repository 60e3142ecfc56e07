// Accounts: domain types, settings validation and the store port.
export type { AccountStore, DestinationFilter, IdentityTenant, NewAccount, NewDestination, SubscriptionUpsert } from './ports';
export { checkSettings, DEFAULT_SETTINGS, parseSettingsUpdate, settingsUpdateSchema, type SettingsUpdate } from './settings';
export type { Account, AccountSettings, Destination, DestinationKind, Identity, Subscription } from './types';
export { PlatformTakenError } from './errors';
