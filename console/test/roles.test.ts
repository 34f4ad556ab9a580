// Role rules: what each role sees in the navigation and may do (mirroring the server's rules).
import { describe, expect, it } from 'vitest';
import { can, canSee, homeFor, sectionsFor } from '../src/lib/roles';

describe('role rules', () => {
  it('navigation per role', () => {
    expect(sectionsFor('ADMIN')).toEqual(['fleet', 'alerts', 'customers', 'billing', 'admin']);
    expect(sectionsFor('TECHNICIAN')).toEqual(['fleet', 'alerts', 'customers']);
    expect(sectionsFor('BILLING')).toEqual(['fleet', 'customers', 'billing']);
    expect(sectionsFor('VIEWER')).toEqual(['fleet', 'alerts', 'customers']);
    expect(sectionsFor('OPERATOR')).toEqual(['fleet', 'alerts', 'customers', 'platform']);
    expect(sectionsFor(null)).toEqual([]);
  });

  it('technicians and viewers cannot reach billing or administration', () => {
    for (const role of ['TECHNICIAN', 'VIEWER', 'OPERATOR'] as const) {
      expect(canSee(role, 'billing')).toBe(false);
      expect(canSee(role, 'admin')).toBe(false);
      expect(can(role, 'billing.manage')).toBe(false);
    }
  });

  it('actions follow the server: technicians work alerts, billing clerks bill, admins manage', () => {
    expect(can('TECHNICIAN', 'alerts.work')).toBe(true);
    expect(can('VIEWER', 'alerts.work')).toBe(false);
    expect(can('BILLING', 'alerts.work')).toBe(false);
    expect(can('BILLING', 'billing.manage')).toBe(true);
    expect(can('ADMIN', 'billing.manage')).toBe(true);
    expect(can('TECHNICIAN', 'customers.manage')).toBe(false);
    expect(can('ADMIN', 'users.manage')).toBe(true);
    expect(can('OPERATOR', 'printers.manage')).toBe(false);
  });

  it('lands each role on its page', () => {
    expect(homeFor('TECHNICIAN')).toBe('/alerts');
    expect(homeFor('BILLING')).toBe('/billing');
    expect(homeFor('ADMIN')).toBe('/fleet');
    expect(homeFor('OPERATOR')).toBe('/platform');
  });
});
