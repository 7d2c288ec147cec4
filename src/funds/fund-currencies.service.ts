import { recordAudit } from '../audit/audit.service';
import type { AppContext } from '../context';
import { insertAccounts } from '../ledger/ledger.repository';
import { transact } from '../lib/db';
import { CurrencyInUse } from './funds.errors';
import type { Call } from '../lib/route';
import { accountPlan } from './funds';
import { forgetFund, loadFund, lockFundRow, setFundCurrencies } from './funds.repository';
import { fundInReach, fundView } from './funds.service';

/**
 * PATCH /v1/funds/:id {currencies}: the full list of currencies the fund holds afterwards. New
 * ones get the whole account plan (bank, every pot, revenue, expense); a currency the fund holds
 * has accounts and books behind it and is never removed (409).
 */
/** PATCH /v1/funds/:id: every currency the fund holds afterwards. */
export interface CurrenciesBody {
  currencies: string[];
}

export async function updateFundCurrencies(
  ctx: AppContext,
  call: Call,
  fundId: string,
  body: CurrenciesBody,
) {
  const fund = await transact(ctx.db, async (trx) => {
    await fundInReach(ctx.db, trx, call.actor, fundId, true);
    // Serializes with another PATCH and with a pot being added (ensurePot reads FOR SHARE).
    await lockFundRow(trx, fundId);
    forgetFund(ctx.db, fundId);
    const current = (await loadFund(trx, {}, fundId))!;
    const dropped = current.currencies.filter((c) => !body.currencies.includes(c));
    if (dropped.length > 0) throw new CurrencyInUse(dropped, current.currencies);
    const added = body.currencies.filter((c) => !current.currencies.includes(c));
    if (added.length === 0) return current;
    const currencies = [...current.currencies, ...added];
    await setFundCurrencies(trx, fundId, currencies);
    const accounts = await insertAccounts(trx, accountPlan(fundId, added, current.pots));
    await recordAudit(trx, {
      actor: call.actor,
      action: 'fund.add_currencies',
      resourceType: 'fund',
      resourceId: fundId,
      requestId: call.requestId,
      details: { added, accounts: accounts.length },
    });
    return {
      ...current,
      currencies,
      accounts: new Map([...current.accounts, ...accounts.map((a) => [a.code, a.id] as [string, string])]),
    };
  });
  // Forget again after commit: a read in between may have cached the fund as it was.
  forgetFund(ctx.db, fundId);
  return fundView(fund);
}
