// What each role may see and do in the console. It mirrors the server's rules (src/graphql/scope.ts:
// admin manages the fleet and users; admin and technician work alerts; admin and billing do billing;
// operators read across resellers but never write). The server enforces them; the console only
// avoids offering what would be refused.

export type Role = 'ADMIN' | 'BILLING' | 'TECHNICIAN' | 'VIEWER' | 'OPERATOR';

export type Section = 'fleet' | 'alerts' | 'customers' | 'billing' | 'admin' | 'platform';

export type Action =
  | 'alerts.work'
  | 'customers.manage'
  | 'printers.manage'
  | 'collectors.manage'
  | 'billing.manage'
  | 'meters.read'
  | 'meters.record'
  | 'users.manage';

const SECTIONS: Record<Section, readonly Role[]> = {
  fleet: ['ADMIN', 'BILLING', 'TECHNICIAN', 'VIEWER', 'OPERATOR'],
  alerts: ['ADMIN', 'TECHNICIAN', 'VIEWER', 'OPERATOR'],
  customers: ['ADMIN', 'BILLING', 'TECHNICIAN', 'VIEWER', 'OPERATOR'],
  billing: ['ADMIN', 'BILLING'],
  admin: ['ADMIN'],
  platform: ['OPERATOR'],
};

const ACTIONS: Record<Action, readonly Role[]> = {
  'alerts.work': ['ADMIN', 'TECHNICIAN'],
  'customers.manage': ['ADMIN'],
  'printers.manage': ['ADMIN'],
  'collectors.manage': ['ADMIN'],
  'billing.manage': ['ADMIN', 'BILLING'],
  /** Meter offsets (board swaps): who reviews a bill reads them, technicians record them. */
  'meters.read': ['ADMIN', 'TECHNICIAN', 'BILLING'],
  'meters.record': ['ADMIN', 'TECHNICIAN'],
  'users.manage': ['ADMIN'],
};

export function canSee(role: Role | null | undefined, section: Section): boolean {
  return !!role && SECTIONS[section].includes(role);
}

export function can(role: Role | null | undefined, action: Action): boolean {
  return !!role && ACTIONS[action].includes(role);
}

/** Sections in navigation order for the role. */
export function sectionsFor(role: Role | null | undefined): Section[] {
  return (Object.keys(SECTIONS) as Section[]).filter((s) => canSee(role, s));
}

/** Where a role lands after signing in: technicians start on the alerts board. */
export function homeFor(role: Role): string {
  if (role === 'TECHNICIAN') return '/alerts';
  if (role === 'OPERATOR') return '/platform';
  if (role === 'BILLING') return '/billing';
  return '/fleet';
}

export const ROLE_LABEL: Record<Role, string> = {
  ADMIN: 'Administrator',
  BILLING: 'Billing clerk',
  TECHNICIAN: 'Service technician',
  VIEWER: 'Viewer',
  OPERATOR: 'Platform operator',
};

export const SECTION_LABEL: Record<Section, string> = {
  fleet: 'Fleet',
  alerts: 'Alerts',
  customers: 'Customers',
  billing: 'Billing',
  admin: 'Administration',
  platform: 'Platform',
};
