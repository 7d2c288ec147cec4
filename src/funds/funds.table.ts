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

export interface FundTables {
  funds: FundsTable;
  fund_pots: FundPotsTable;
  fund_receipts: FundReceiptsTable;
  fund_pot_transfers: FundPotTransfersTable;
}
