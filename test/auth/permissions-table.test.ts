import { PERMISSIONS, ROLES, roleMay, type Permission, type Role } from '../../src/lib/auth';

const permissions = Object.keys(PERMISSIONS) as Permission[];
const allowed = (role: Role) => permissions.filter((p) => roleMay(role, p));

// Verbs that change something; whatever later permissions are added, they follow this naming.
const WRITES = /:(write|create|update|delete|approve|admin)$/;
// Case data: victims, their claims and the money paid to them.
const CASES = /^(victims|claims|funds|ledger|disbursements|witness-assistance|documents):/;

describe('the permission table', () => {
  it('names only known roles, and gives every permission to someone', () => {
    for (const p of permissions) {
      const roles = PERMISSIONS[p] as readonly string[];
      expect(roles.length).toBeGreaterThan(0);
      for (const r of roles) expect(ROLES).toContain(r);
    }
  });

  it('gives auditors no write permission at all', () => {
    const writes = permissions.filter((p) => WRITES.test(p));
    expect(writes.length).toBeGreaterThan(5); // the pattern does match the table
    for (const p of writes) expect(roleMay('auditor', p)).toBe(false);
  });

  it('gives admins no permission on case data: they manage users, not cases', () => {
    const cases = permissions.filter((p) => CASES.test(p));
    expect(cases).toEqual(
      expect.arrayContaining(['victims:read', 'victims:write', 'claims:read', 'ledger:read']),
    );
    for (const p of cases) expect(roleMay('admin', p)).toBe(false);
  });

  it('reserves organization and user management to admins', () => {
    for (const p of ['organizations:create', 'organizations:read', 'users:create', 'users:read'] as const) {
      expect(PERMISSIONS[p]).toEqual(['admin']);
    }
  });

  it('lets every role sign out', () => {
    for (const role of ROLES) expect(roleMay(role, 'auth:session')).toBe(true);
  });

  it('keeps money writes with fund administrators and victim records with legal aid', () => {
    for (const p of ['funds:write', 'ledger:write', 'disbursements:write'] as const) {
      expect(roleMay('fund_admin', p)).toBe(true);
      expect(roleMay('legal_aid', p)).toBe(false);
    }
    expect(roleMay('legal_aid', 'victims:write')).toBe(true);
    expect(roleMay('fund_admin', 'victims:write')).toBe(false);
  });

  it('lets auditors read the books and the audit trail but never victims', () => {
    expect(allowed('auditor')).toEqual(expect.arrayContaining(['ledger:read', 'funds:read', 'audit:read']));
    expect(roleMay('auditor', 'victims:read')).toBe(false);
  });
});
