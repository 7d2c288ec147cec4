import type { ColumnType, Generated } from 'kysely';
import type { Beneficiaries } from './restrictions';

export interface FundsTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  currency: string; // the fund's main (reporting) currency; always one of `currencies`
  currencies: string[];
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface FundPotsTable {
  fund_id: string;
  code: string;
  name: string;
  kind: 'unrestricted' | 'reserved' | 'restricted' | 'trust' | 'committed';
  purposes: string[];
  /** jsonb, read as an object, written as JSON text; null: anyone the purposes allow */
  beneficiaries: ColumnType<Beneficiaries | null, string | null | undefined, string | null>;
}

export interface FundReceiptsTable {
  id: Generated<string>;
  fund_id: string;
  entry_id: string;
  source: string;
  pot_code: string;
  amount: string;
  currency: string;
  received_on: string;
  reference: string | null;
  donor: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface FundPotTransfersTable {
  id: Generated<string>;
  fund_id: string;
  entry_id: string;
  from_pot: string;
  to_pot: string;
  amount: string;
  currency: string;
  reason: string;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** A conversion the bank made to cover an FX position; append-only. Amounts in minor units. */
export interface FundFxSettlementsTable {
  id: Generated<string>;
  fund_id: string;
  entry_id: string;
  sold_currency: string;
  sold_amount: string;
  bought_currency: string;
  bought_amount: string;
  rate: string;
  fee_currency: string | null;
  fee_amount: string | null;
  bank_reference: string;
  settled_on: string;
  /** the settlement covered the whole position: what was left over was realized as gain or cost */
  closed: boolean;
  realized: Record<string, string>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface FundTables {
  funds: FundsTable;
  fund_pots: FundPotsTable;
  fund_receipts: FundReceiptsTable;
  fund_pot_transfers: FundPotTransfersTable;
  fund_fx_settlements: FundFxSettlementsTable;
}
