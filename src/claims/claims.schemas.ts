import Joi from 'joi';
import { currencyCode, money } from '../lib/money';
import { CRIMINAL_MODES, ROUTES, ROUTE_MACHINES } from './route-machines';
import { HEADS, PAID_TO, PAYERS, PAYMENT_STATES, SUBROGATION_POLICIES } from './claims';
import { isoDate, pastDate, uuid, type IdParams, type PageQuery } from '../lib/schemas';
import type { ListQuery } from './claims.list';
import type { CreateClaimInput } from './claims.service';
import type { PaymentInput } from './payments.service';
import type { SubrogationPolicy } from './claims';
import type { TransitionInput } from './transitions.service';
import type { PaymentParams, VoidPaymentInput } from './payment-voids.service';

import { nextHearingSchema } from './hearings/hearings.schemas';
import { listFormat } from '../lib/csv';

const ALL_STATES = [...new Set(Object.values(ROUTE_MACHINES).flatMap((m) => Object.keys(m.states)))];

const text = (max: number) => Joi.string().trim().min(1).max(max);

const headLine = Joi.object<CreateClaimInput['heads'][number], true>({
  head: Joi.string()
    .valid(...HEADS)
    .required(),
  amount: money().positive().currency(Joi.ref('/currency')).required(),
  description: text(500).when('head', { is: 'other', then: Joi.required() }),
});

export const createClaimBody = Joi.object<CreateClaimInput, true>({
  victimId: uuid().required(),
  route: Joi.string()
    .valid(...ROUTES)
    .required(),
  mode: Joi.string()
    .valid(...CRIMINAL_MODES)
    .when('route', { is: 'criminal', then: Joi.required(), otherwise: Joi.forbidden() }),
  fundId: uuid().when('route', { is: 'state_fund', then: Joi.required(), otherwise: Joi.forbidden() }),
  jurisdiction: Joi.string()
    .pattern(/^[A-Z]{2}$/)
    .required()
    .messages({
      'string.pattern.base': '{{#label}} must be an ISO 3166-1 alpha-2 country code such as "TH"',
    }),
  forum: text(200),
  caseNumber: text(100),
  respondent: text(200),
  currency: currencyCode().required(),
  heads: Joi.array().items(headLine).min(1).max(6).unique('head').required(),
  filedOn: pastDate(),
  causeOfActionOn: pastDate(),
  assigneeId: uuid(),
});

export const claimIdParams = Joi.object<IdParams, true>({ id: uuid().required() });

export const transitionBody = Joi.object<TransitionInput, true>({
  to: Joi.string().max(40).required(),
  pot: Joi.string()
    .pattern(/^[a-z][a-z0-9_]{0,39}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be a pot code (lower case letters, digits, _)' })
    .description(
      "A State-fund decision with an award: commit it from this pot of the fund only (its restriction must allow the victim's award). By default the fund's pot order is followed.",
    ),
  note: Joi.string().trim().max(2000).allow(''),
  documentIds: Joi.array()
    .items(uuid())
    .min(1)
    .max(50)
    .description(
      'Answering a request for information (a move out of info_requested): documents already attached to the claim to send with the answer',
    ),
  occurredOn: pastDate(),
  hearingOn: isoDate().description('Moving to a hearing stage: the day the hearing is scheduled'),
  award: Joi.object<NonNullable<TransitionInput['award']>, true>({
    currency: currencyCode(),
    heads: Joi.array()
      .items(
        Joi.object({
          head: Joi.string()
            .valid(...HEADS)
            .required(),
          // Zero is a real award ("nothing for this head"); decimals are checked against the claim.
          amount: money().required(),
        }),
      )
      .min(1)
      .max(6)
      .unique('head')
      .required(),
  }),
});

/** After joi's default: whether the move is only previewed. */
export interface TransitionQuery {
  preview: boolean;
}

export const transitionQuery = Joi.object<TransitionQuery, true>({
  preview: Joi.boolean()
    .default(false)
    .description('true: answer as the move would (with drawsFrom on a State-fund claim) and change nothing'),
});

export const paymentBody = Joi.object<PaymentInput, true>({
  amount: money().positive().required(),
  currency: currencyCode(),
  head: Joi.string()
    .valid(...HEADS)
    .required(),
  receivedOn: pastDate().required(),
  payer: Joi.string()
    .valid(...PAYERS)
    .required(),
  paidTo: Joi.string()
    .valid(...PAID_TO)
    .required(),
  fundId: uuid(),
  note: Joi.string().trim().max(2000),
});

export const paymentParams = Joi.object<PaymentParams, true>({
  id: uuid().required(),
  paymentId: uuid().required(),
});

export const voidPaymentBody = Joi.object<VoidPaymentInput, true>({
  reason: Joi.string().trim().min(1).max(2000).required().description('Why the record was a mistake'),
});

export const paymentListQuery = Joi.object<PageQuery, true>({
  limit: Joi.number().integer().min(1).max(500).default(50),
  cursor: uuid().description('nextCursor of the previous page'),
});

const voidView = Joi.object({
  reason: Joi.string().description('Not shown to auditors'),
  voidedBy: Joi.string(),
  voidedAt: Joi.string(),
  reversalEntryIds: Joi.array()
    .items(Joi.string())
    .description('Ledger entries that reversed the fund receipts the payment had posted'),
}).allow(null);

export const paymentView = Joi.object({
  id: Joi.string(),
  claimId: Joi.string(),
  head: Joi.string(),
  amount: Joi.string(),
  currency: Joi.string(),
  receivedOn: Joi.string(),
  payer: Joi.string(),
  paidTo: Joi.string(),
  fundId: Joi.string().description('Money paid into the fund: the fund'),
  recovery: Joi.string().description("Money paid into the fund: the fund's recovery (subrogation)"),
  heldInTrust: Joi.string().description("Money paid into the fund: the part held in the victim's trust pot"),
  recoveryReceiptId: Joi.string().allow(null),
  trustReceiptId: Joi.string().allow(null),
  disbursementId: Joi.string().description('Recorded by this fund disbursement (cannot be voided here)'),
  note: Joi.string().allow(null),
  recordedBy: Joi.string(),
  recordedAt: Joi.string(),
  voided: voidView.description('null, or why and when the record was voided (it then counts nowhere)'),
});

export const paymentWithClaim = paymentView.keys({
  claim: Joi.object().unknown(true).description('The claim after the change'),
});

export const listQuery = Joi.object<ListQuery, true>({
  route: Joi.string().valid(...ROUTES),
  status: Joi.string().valid(...ALL_STATES),
  victimId: uuid(),
  assigneeId: uuid(),
  fundId: uuid(),
  caseNumber: text(100).description('Exact case number (case-insensitive); not for auditors'),
  court: text(200).description('Part of the forum (court or tribunal) name, case-insensitive'),
  deadlineWithinDays: Joi.number().integer().min(0).max(3650),
  limit: Joi.number().integer().min(1).max(500).default(50),
  cursor: Joi.string().max(100),
  format: listFormat,
});

export interface PolicyInput {
  policy: SubrogationPolicy;
}

export const policyBody = Joi.object<PolicyInput, true>({
  policy: Joi.string()
    .valid(...SUBROGATION_POLICIES)
    .required(),
});

const paymentStateSchema = Joi.string()
  .valid(...PAYMENT_STATES)
  .description(
    'paid: all awarded reached the victim; held_in_trust: all settled, part in the trust pot; partly_paid: some reached the victim; unpaid: none did',
  );

export const claimResponse = Joi.object({
  id: Joi.string(),
  reference: Joi.string(),
  victimId: Joi.string(),
  route: Joi.string(),
  status: Joi.string(),
  currency: Joi.string(),
  heads: Joi.array().items(
    Joi.object({
      head: Joi.string(),
      claimed: Joi.string(),
      awarded: Joi.string(),
      received: Joi.string(),
      heldInTrust: Joi.string().description(
        "Part of received held in the victim's trust pot (a child's award, money paid into the fund): it has not reached the family",
      ),
      paymentState: paymentStateSchema,
    }).unknown(true),
  ),
  totals: Joi.object({
    claimed: Joi.string(),
    awarded: Joi.string(),
    received: Joi.string(),
    heldInTrust: Joi.string(),
  }).unknown(true),
  paymentState: paymentStateSchema,
  allowedTransitions: Joi.array().items(Joi.string()),
  history: Joi.array().items(
    Joi.object({
      from: Joi.string().allow(null),
      to: Joi.string(),
      at: Joi.string(),
      by: Joi.string(),
    }).unknown(true),
  ),
  deadlines: Joi.array().items(
    Joi.object({
      kind: Joi.string(),
      dueOn: Joi.string(),
      recordedOn: Joi.string().allow(null).description('The day the deadline was first recorded'),
      pastWhenRecorded: Joi.boolean().description(
        'Already past when recorded (e.g. a back-dated award): it was never missed here and raises no overdue alarm',
      ),
    }).unknown(true),
  ),
  nextHearing: nextHearingSchema.description(
    'The next hearing still scheduled, today or later (not shown to auditors); see /v1/claims/:id/hearings',
  ),
  otherRoutes: Joi.array()
    .items(
      Joi.object({
        route: Joi.string(),
        status: Joi.string(),
        currency: Joi.string(),
        heads: Joi.array().items(
          Joi.object({
            head: Joi.string(),
            claimed: Joi.string(),
            awarded: Joi.string(),
            received: Joi.string(),
          }),
        ),
      }),
    )
    .description(
      "Fund administrators reading a State-fund claim: the victim's other claims as route, stage and amounts per head (for the offset); no ids or case details",
    ),
}).unknown(true);
