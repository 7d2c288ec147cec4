import Joi from 'joi';
import { bigintId } from '../lib/schemas';
import { sealAndVerifyAuditChain } from '../audit/audit-chain';
import { transact, type Db, type Trx } from '../lib/db';
import type { Logger } from '../lib/logger';
import { enqueueOutbox, type OutboxPayloads } from '../lib/outbox';
import { staleFxPositions } from '../funds/fx.service';
import { verifyLedger } from '../ledger/ledger-chain';
import { anchorProblems, currentAnchors, previousAnchors } from './chain-anchors';
import type { MailKey, Mailer } from './mailer';
import {
  accountImbalances,
  activeAdminIds,
  driftedAccounts,
  findActiveUser,
  findReconciliationRun,
  fundsOutOfBalance,
  insertReconciliationRun,
  postingImbalances,
} from './notifications.repository';
import type { ReconciliationCheck } from './notifications.table';
import { todayUtc, utcDateOf } from '../lib/dates';
import { deadlineScanProblem } from './scheduled-runs';
import { mailTranslator, renderMail } from './templates';

export interface ReconciliationResult {
  runId: string;
  ok: boolean;
  checks: ReconciliationCheck[];
  alerts: string[];
}

async function check(name: string, run: () => Promise<string | null>): Promise<ReconciliationCheck> {
  try {
    const problem = await run();
    return { name, ok: problem === null, detail: problem ?? 'ok' };
  } catch (err) {
    // A check that cannot run is a failed check, not a silent pass.
    return { name, ok: false, detail: `could not run: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * The nightly reconciliation: the books balance per currency (from the postings and from the
 * accounts' running balances, which must also match their postings), every fund's pots add up
 * to its bank and cash accounts, no FX position has stayed open longer than FX_OPEN_DAYS_MAX
 * days, the ledger and audit hash chains verify and still reach the
 * heads the previous run recorded (see chain-anchors.ts), and the deadline scan ran in the last day. The result is
 * recorded; on failure every active administrator gets an e-mail (one outbox row each, in the
 * same transaction as the result). Details name accounts, funds and entry ids, never people.
 */
export async function runReconciliation(
  db: Db,
  logger: Logger,
  now = new Date(),
  opts: { fxOpenDaysMax: number } = { fxOpenDaysMax: 7 },
): Promise<ReconciliationResult> {
  const previous = await previousAnchors(db);
  const checks = [
    await check('trial_balance', async () => {
      const off = [...(await postingImbalances(db)), ...(await accountImbalances(db))];
      return off.length === 0 ? null : `not zero in ${[...new Set(off.map((o) => o.currency))].join(', ')}`;
    }),
    await check('account_balances', async () => {
      const drifted = await driftedAccounts(db);
      return drifted.length === 0
        ? null
        : `balance differs from postings: ${drifted.map((a) => `${a.code}`).join(', ')}`;
    }),
    await check('fund_pots_equal_bank', async () => {
      const off = await fundsOutOfBalance(db);
      return off.length === 0
        ? null
        : off.map((f) => `fund ${f.fundId} (${f.currency}): pots differ from bank and cash`).join('; ');
    }),
    // Money a bank paid out for another currency is the pots' only while it is converted back.
    await check('fx_positions', async () => {
      const stale = await staleFxPositions(db, now, opts.fxOpenDaysMax);
      return stale.length === 0
        ? null
        : stale
            .map(
              (p) =>
                `fund ${p.fundId} (${p.currencies.join('/')}): FX position open since ${utcDateOf(p.openSince)}, more than ${opts.fxOpenDaysMax} day(s)`,
            )
            .join('; ');
    }),
    await check('ledger_chain', async () => {
      const v = await verifyLedger(db, undefined, logger);
      if (v.ok) return null;
      return v.firstBrokenEntry !== null
        ? `broken at entry ${v.firstBrokenEntry}`
        : `balance of account ${v.firstWrongBalance} differs from its postings and reservations`;
    }),
    await check('audit_chain', async () => {
      const v = await sealAndVerifyAuditChain(db, logger); // as the ledger's verify: every committed event
      return v.ok ? null : `broken at event ${v.firstBrokenEvent}`;
    }),
    // After the verify steps, which seal: a chain cut short verifies, so compare with last time.
    await check('chain_anchors', () => anchorProblems(db, previous)),
    // Reminders are only as good as the scan that finds the deadlines: a lost schedule is seen.
    await check('deadline_scan_ran', () => deadlineScanProblem(db, now)),
  ];
  const anchors = await currentAnchors(db);
  const ok = checks.every((c) => c.ok);
  const result = await transact(db, async (trx) => {
    const runId = await insertReconciliationRun(trx, {
      runOn: todayUtc(now),
      startedAt: now,
      ok,
      checks,
      anchors,
    });
    const alerts: string[] = [];
    if (!ok)
      for (const userId of await activeAdminIds(trx))
        alerts.push(await enqueueOutbox(trx, 'reconciliation.alert', { runId, userId }));
    return { runId, ok, checks, alerts };
  });
  // The anchors go to the log too: kept outside the database, they show a truncation even if
  // someone with the power to cut the chains also rewrites the runs table.
  if (ok) logger.info({ runId: result.runId, anchors }, 'reconciliation passed');
  else
    logger.error(
      { runId: result.runId, anchors, failed: checks.filter((c) => !c.ok) },
      'reconciliation FAILED',
    );
  return result;
}

export type ReconciliationAlertPayload = OutboxPayloads['reconciliation.alert'];

export const reconciliationAlertPayloadSchema = Joi.object<ReconciliationAlertPayload, true>({
  runId: bigintId().required(),
  userId: Joi.string().guid().required(),
});

export async function sendReconciliationAlert(
  deps: { trx: Trx; mailer: Mailer },
  payload: ReconciliationAlertPayload,
  key: MailKey,
): Promise<string> {
  const run = await findReconciliationRun(deps.trx, payload.runId);
  if (!run) return 'skipped: run not found';
  const user = await findActiveUser(deps.trx, payload.userId);
  if (!user || user.role !== 'admin') return 'skipped: not an active administrator';
  const t = mailTranslator(user.preferred_language);
  const failed = run.checks.filter((c) => !c.ok);
  const message = renderMail(user.preferred_language, user.email, {
    subject: t('reconciliation.subject', { date: run.run_on }),
    paragraphs: [
      t('reconciliation.body', { date: run.run_on }),
      ...failed.map((c) => `${c.name}: ${c.detail}`),
      t('reconciliation.action'),
    ],
  });
  const sent = await deps.mailer.send(message, key);
  return `admin ${user.id}: ${sent.detail}`;
}
