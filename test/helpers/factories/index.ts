/**
 * The one place tests make their data: offices, users, victims, funds, receipts and claims.
 * Each call makes new rows with unique names; nothing is shared between tests.
 *
 *   const worker = await aUser(t, { role: 'legal_aid' });
 *   const admin = await aUser(t, { role: 'fund_admin' });
 *   const fundId = await aFund(t, admin); // or aFundWithMoney(t, admin) for one claims are decided on
 *   await aReceipt(t, admin, fundId, { amount: '5000.00' });
 *   const victim = await aVictim(t, worker);
 *   const claimId = await aClaim(t, worker, { victimId: victim.id, route: 'state_fund', fundId, heads });
 */
export * from './people';
export * from './victims';
export * from './funds';
export * from './claims';
