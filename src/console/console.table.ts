import type { Generated } from 'kysely';

/** A console form's one-time key: a second submission of the same form finds this row. */
export interface ConsoleFormKeysTable {
  user_id: string;
  form_key: string;
  action: string;
  /** Where the first submission led (a console path), once it succeeded. */
  outcome: string | null;
  created_at: Generated<Date>;
}

export interface ConsoleTables {
  console_form_keys: ConsoleFormKeysTable;
}
