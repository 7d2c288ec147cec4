import Joi from 'joi';
import { isoDate, pageQuery, type IdParams } from '../lib/schemas';
import { POT_CODE, PURPOSES } from '../funds/funds';
import { currencyCode, money } from '../lib/money';
import { emailSchema } from '../lib/email';
import { listFormat } from '../lib/csv';
import { CHANNELS, STATUSES } from './disbursements';
import type { PolicyBody } from './disbursement-policy.service';
import type { ListQuery } from './disbursements.list';
import type {
  BankTransferPayee,
  CashPayee,
  ChequePayee,
  MobileMoneyPayee,
  PartnerOrganizationPayee,
  RequestBody,
} from './disbursements.request';
import type { PaidInput } from './disbursements.service';

const text = (max: number) => Joi.string().trim().min(1).max(max);
const country = () =>
  Joi.string()
    .pattern(/^[A-Z]{2}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be an ISO 3166 alpha-2 code' });
const potCode = () =>
  Joi.string()
    .pattern(POT_CODE)
    .messages({ 'string.pattern.base': '{{#label}} must be a pot code (lower case letters, digits, _)' });

export const idParams = Joi.object<IdParams, true>({ id: Joi.string().guid().required() });

/** What each channel needs to reach the payee; stored encrypted, never in a response of a POST. */
const PAYEE = {
  bank_transfer: Joi.object<BankTransferPayee, true>({
    accountName: text(200).required(),
    accountNumber: text(64).required(),
    bankName: text(200).required(),
    bankCode: text(64),
    swift: Joi.string().pattern(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/),
    country: country(),
  }),
  mobile_money: Joi.object<MobileMoneyPayee, true>({
    provider: text(100).required(),
    phoneNumber: Joi.string()
      .pattern(/^\+?[0-9 ()-]{6,25}$/)
      .required(),
    accountName: text(200),
  }),
  cash: Joi.object<CashPayee, true>({ recipientName: text(200), collectionPoint: text(200) }),
  cheque: Joi.object<ChequePayee, true>({ payableTo: text(200).required(), mailingAddress: text(500) }),
  partner_organization: Joi.object<PartnerOrganizationPayee, true>({
    organizationName: text(200).required(),
    country: country().required(),
    contactEmail: emailSchema,
    onwardChannel: Joi.string().valid('bank_transfer', 'mobile_money', 'cash', 'cheque'),
  }),
};

export const requestBody = Joi.object<RequestBody, true>({
  fundId: Joi.string().guid().required(),
  victimId: Joi.string().guid().required(),
  claimId: Joi.string().guid(),
  purpose: Joi.string()
    .valid(...PURPOSES)
    .required(),
  amount: money().positive().max(40).currency(Joi.ref('currency')).required(),
  currency: currencyCode().required(),
  pot: potCode().description(
    "Draw only on this pot; by default the fund chooses, in its pot order (restricted pots that allow the purpose and the victim first). The 201 answer's drawsFrom says which pot the approval would draw on now",
  ),
  rationale: text(4000)
    .required()
    .description('Why this is given: kept, and disclosed in the witness-assistance register'),
  channel: Joi.string()
    .valid(...CHANNELS)
    .required(),
  holdInTrust: Joi.boolean()
    .default(false)
    .description(
      "A child's State-fund award: move it into the victim's trust pot instead of paying it out; released later by disbursements drawing on that pot",
    ),
  payout: Joi.object<NonNullable<RequestBody['payout']>, true>({
    currency: currencyCode().required().description('The currency the payee receives'),
    rate: Joi.string()
      .pattern(/^\d{1,12}(\.\d{1,12})?$/)
      .required()
      .description('Units of the payout currency for one unit of the disbursement currency, e.g. "1.6125"'),
    rateSource: text(500).required().description('Where the rate comes from (bank, central bank, provider)'),
    rateDate: isoDate().required(),
    fees: money()
      .max(40)
      .description(
        "Borne by the fund. Charged in the payout currency when the fund holds it (the fund pays from its bank in that currency and converts later: an FX position opens); otherwise in the disbursement currency (the bank converts at payout, from the disbursement currency's bank)",
      ),
  }).description(
    'Pay in another currency than the award: the award is settled in its own currency. A currency the fund does not hold is converted by the bank at payout',
  ),
  payee: Joi.when('channel', {
    switch: Object.entries(PAYEE).map(([is, then]) => ({ is, then })),
  }).description('Required except for cash; depends on the channel'),
});

export interface ReasonInput {
  reason: string;
}

export const reasonBody = Joi.object<ReasonInput, true>({ reason: text(1000).required() });

export const paidBody = Joi.object<PaidInput, true>({
  paidOn: isoDate().required(),
  externalReference: text(200),
});

export const approveBody = Joi.object<Record<string, never>, true>({});

/** After joi's default: whether the call is only previewed. */
export interface PreviewQuery {
  preview: boolean;
}

export const previewQuery = Joi.object<PreviewQuery, true>({
  preview: Joi.boolean()
    .truthy('true')
    .falsy('false')
    .default(false)
    .description(
      'true: say what the call would do (drawsFrom) and change nothing; no Idempotency-Key needed',
    ),
});

export const policyBody = Joi.object<PolicyBody, true>({
  potOrder: Joi.array().items(potCode()).unique().max(50).default([]),
  approvalThresholds: Joi.array()
    .items(
      Joi.object<PolicyBody['approvalThresholds'][number], true>({
        currency: currencyCode().required(),
        above: money().positive().max(40).currency(Joi.ref('currency')).required(),
      }),
    )
    .unique('currency')
    .max(20)
    .default([]),
});

export interface RegisterQuery {
  format: 'json' | 'csv';
}

export const registerQuery = Joi.object<RegisterQuery, true>({
  format: Joi.string().valid('json', 'csv').default('json'),
});

export const listQuery = Joi.object<ListQuery, true>({
  ...pageQuery,
  fundId: Joi.string().guid(),
  victimId: Joi.string().guid(),
  status: Joi.string().valid(...STATUSES),
  format: listFormat,
});
