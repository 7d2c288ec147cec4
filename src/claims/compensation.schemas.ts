import Joi from 'joi';

/** The response of `GET /v1/victims/:id/compensation` (documentation: the OpenAPI is built from it). */
const amount = Joi.string().description('Decimal string with the currency’s exponent');
const perCurrency = (what: string) =>
  Joi.object()
    .pattern(/^[A-Z]{3}$/, amount)
    .description(what);

export const compensationResponse = Joi.object({
  victimId: Joi.string(),
  currencies: Joi.object()
    .pattern(
      /^[A-Z]{3}$/,
      Joi.object({
        claimed: amount,
        awarded: amount.description('Each head of loss once: its largest award on any route'),
        received: amount,
        outstanding: amount.description('Still owed to the victim, each head once, after offsets'),
        owedToFund: amount,
        heldInTrust: amount.description('Received into the victim’s trust pot and not yet paid out to them'),
      }).unknown(true),
    )
    .description('Totals per currency; currencies are never added together'),
  stillOwed: perCurrency(
    'Per currency: what is still owed to the victim across every route, each loss counted once (= currencies.*.outstanding)',
  ),
  byRoute: Joi.array().items(
    Joi.object({
      route: Joi.string(),
      currency: Joi.string(),
      claimIds: Joi.array().items(Joi.string()),
      claimed: amount,
      awarded: amount,
      received: amount,
      outstanding: amount.description(
        'What this route awarded and has not paid, capped per head by what is still owed overall; routes overlap, so do not add these up',
      ),
      heldInTrust: amount,
      offset: amount.description('State fund only'),
    }).unknown(true),
  ),
  byHead: Joi.array().items(
    Joi.object({
      currency: Joi.string(),
      head: Joi.string(),
      claimed: amount,
      awarded: amount,
      received: amount,
      outstanding: amount,
      offset: amount,
      owedToFund: amount,
      heldInTrust: amount,
      subrogation: Joi.object().allow(null),
    }).unknown(true),
  ),
}).unknown(true);
