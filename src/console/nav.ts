import type { Role } from '../lib/auth';

export interface NavItem {
  href: string;
  /** A console text key. */
  label: string;
}

/**
 * Each role's menu. Every page a role reaches from here is guarded by the same permission the
 * API route has; the menu only saves people from pages that would refuse them.
 */
export const NAV: Record<Role, readonly NavItem[]> = {
  legal_aid: [
    { href: '/console', label: 'nav.caseload' },
    { href: '/console/victims', label: 'nav.victims' },
    { href: '/console/hearings', label: 'nav.hearings' },
    { href: '/console/wages', label: 'nav.wages' },
  ],
  fund_admin: [
    { href: '/console/funds', label: 'nav.funds' },
    { href: '/console/applications', label: 'nav.applications' },
    { href: '/console/approvals', label: 'nav.approvals' },
  ],
  auditor: [
    { href: '/console/ledger', label: 'nav.ledger' },
    { href: '/console/verify', label: 'nav.verify' },
    { href: '/console/audit', label: 'nav.audit' },
    { href: '/console/downloads', label: 'nav.downloads' },
  ],
  admin: [
    { href: '/console/admin/users', label: 'nav.users' },
    { href: '/console/admin/offices', label: 'nav.offices' },
    { href: '/console/admin/policies', label: 'nav.policies' },
    { href: '/console/admin/jobs', label: 'nav.jobs' },
    { href: '/console/audit', label: 'nav.audit' },
  ],
};

/** Where a role lands after signing in: the first entry of its menu. */
export function homeOf(role: Role): string {
  return NAV[role][0]!.href;
}
