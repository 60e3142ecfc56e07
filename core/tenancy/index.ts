// Tenancy: per-tenant installations and the secrets they hold.
export { INSTALLATION_REVOKED, type Installation, type InstallationFilter, type InstallationStore, type NewInstallation } from './installations';
export { handleTenantRemoved, type TenantRemovedEvent } from './removed';
export { Secret } from './secret';
export { SECRETS_KEY_BYTES, SECRETS_KEY_SETTING, SecretBox, SecretsKeyMissingError, SecretUnreadableError } from './secret-box';
