// The test platform's gated places: chats with members, and tenants whose roles sit in positions under or over the bot's own.

/** A refusal in testchat's protocol: the HTTP status and the error code. */
export interface AccessRefusal {
  status: number;
  code: 'chat_not_found' | 'missing_permission' | 'hierarchy' | 'unknown_member' | 'unknown_role' | 'unknown_tenant';
  message: string;
}

interface GatedChat {
  members: Set<string>;
  /** The bot may add and remove members. */
  botIsAdmin: boolean;
}

interface Tenant {
  /** The bot's own highest role position: it manages roles strictly below it only. */
  botPosition: number;
  /** The bot holds the right to manage roles at all. */
  botManagesRoles: boolean;
  /** role id -> position (higher is more powerful). */
  roles: Map<string, number>;
  /** user id -> the role ids they hold. */
  members: Map<string, Set<string>>;
}

/** What an access call did: whether the person holds it now, and whether this call changed that. */
export interface AccessResult {
  holds: boolean;
  changed: boolean;
}

/** The emulator's access state; every method either changes it and answers, or refuses and changes nothing. */
export class AccessWorld {
  private readonly chats = new Map<string, GatedChat>();
  private readonly tenants = new Map<string, Tenant>();

  reset(): void {
    this.chats.clear();
    this.tenants.clear();
  }

  createChat(chatId: string, options: { botIsAdmin?: boolean; members?: readonly string[] } = {}): void {
    this.chats.set(chatId, { members: new Set(options.members ?? []), botIsAdmin: options.botIsAdmin ?? true });
  }

  createTenant(tenantId: string, options: { botPosition?: number; botManagesRoles?: boolean } = {}): void {
    this.tenants.set(tenantId, { botPosition: options.botPosition ?? 10, botManagesRoles: options.botManagesRoles ?? true, roles: new Map(), members: new Map() });
  }

  /** Creates or moves a role (an admin dragging it above or below the bot's). */
  setRole(tenantId: string, roleId: string, position: number): void {
    this.tenant(tenantId).roles.set(roleId, position);
  }

  deleteRole(tenantId: string, roleId: string): void {
    const tenant = this.tenant(tenantId);
    tenant.roles.delete(roleId);
    for (const roles of tenant.members.values()) roles.delete(roleId);
  }

  addTenantMember(tenantId: string, userId: string): void {
    const tenant = this.tenant(tenantId);
    if (!tenant.members.has(userId)) tenant.members.set(userId, new Set());
  }

  isMember(chatId: string, userId: string): boolean {
    return this.chats.get(chatId)?.members.has(userId) ?? false;
  }

  hasRole(tenantId: string, userId: string, roleId: string): boolean {
    return this.tenants.get(tenantId)?.members.get(userId)?.has(roleId) ?? false;
  }

  rolesOf(tenantId: string, userId: string): string[] {
    return [...(this.tenants.get(tenantId)?.members.get(userId) ?? [])];
  }

  /** The bot adds or removes a chat member. */
  setMember(chatId: string, userId: string, member: boolean): AccessResult | AccessRefusal {
    const chat = this.chats.get(chatId);
    if (!chat) return { status: 404, code: 'chat_not_found', message: `no chat ${chatId}` };
    if (!chat.botIsAdmin) return { status: 403, code: 'missing_permission', message: 'the bot may not manage members of this chat' };
    return this.apply(chat.members, userId, member);
  }

  /** The bot gives or takes a role: only below its own position, only to a member of the tenant. */
  setRoleOf(tenantId: string, userId: string, roleId: string, has: boolean): AccessResult | AccessRefusal {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return { status: 404, code: 'unknown_tenant', message: `no tenant ${tenantId}` };
    const position = tenant.roles.get(roleId);
    if (position === undefined) return { status: 404, code: 'unknown_role', message: `no role ${roleId} in ${tenantId}` };
    if (!tenant.botManagesRoles) return { status: 403, code: 'missing_permission', message: 'the bot may not manage roles' };
    if (position >= tenant.botPosition) return { status: 403, code: 'hierarchy', message: `role ${roleId} is at or above the bot's own role` };
    const roles = tenant.members.get(userId);
    if (!roles) return { status: 404, code: 'unknown_member', message: `${userId} is not a member of ${tenantId}` };
    return this.apply(roles, roleId, has);
  }

  /** Someone acting by hand (an admin, the person leaving): no permission checks. Returns whether anything changed. */
  setMemberByHand(chatId: string, userId: string, member: boolean): boolean {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`testchat emulator: no chat ${chatId}`);
    return this.apply(chat.members, userId, member).changed;
  }

  setRoleByHand(tenantId: string, userId: string, roleId: string, has: boolean): boolean {
    const tenant = this.tenant(tenantId);
    if (!tenant.roles.has(roleId)) throw new Error(`testchat emulator: no role ${roleId} in ${tenantId}`);
    this.addTenantMember(tenantId, userId);
    return this.apply(tenant.members.get(userId)!, roleId, has).changed;
  }

  private apply(set: Set<string>, item: string, present: boolean): AccessResult {
    const changed = set.has(item) !== present;
    if (present) set.add(item);
    else set.delete(item);
    return { holds: present, changed };
  }

  private tenant(tenantId: string): Tenant {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) throw new Error(`testchat emulator: no tenant ${tenantId}`);
    return tenant;
  }
}

export function isRefusal(r: AccessResult | AccessRefusal): r is AccessRefusal {
  return 'code' in r;
}
