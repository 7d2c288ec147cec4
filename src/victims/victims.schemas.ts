import Joi from 'joi';
import { countryCode, pastDate, programmeCode, uuid, type IdParams } from '../lib/schemas';
import { DOCUMENT_TYPES, type Consent, type VictimInput, type VictimPatch } from './victims';
import { emailSchema } from '../lib/email';
import { listFormat } from '../lib/csv';

const language = Joi.string()
  .pattern(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
  .max(35)
  .messages({ 'string.pattern.base': '{{#label}} must be a language tag such as "th" or "fil"' });

const contact = Joi.object<NonNullable<VictimInput['contact']>, true>({
  email: emailSchema,
  phone: Joi.string()
    .trim()
    .pattern(/^\+?[0-9 ()-]{5,25}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be a phone number' }),
  safeToContact: Joi.boolean().required(),
});

const guardian = Joi.object<NonNullable<VictimInput['guardian']>, true>({
  name: Joi.string().trim().min(1).max(200).required(),
  relationship: Joi.string().trim().min(1).max(100),
});

type IdentityDocumentInput = NonNullable<VictimInput['identityDocuments']>[number];

const identityDocument = Joi.object<IdentityDocumentInput, true>({
  type: Joi.string()
    .valid(...DOCUMENT_TYPES)
    .required(),
  number: Joi.string().trim().min(3).max(40).required(),
  issuingCountry: countryCode(),
});

const consent = Joi.object<Consent, true>({
  shareWithFundAgency: Joi.boolean().required(),
  contactByEmail: Joi.boolean().required(),
});

const fields = {
  fullName: Joi.string().trim().min(1).max(200),
  dateOfBirth: pastDate(),
  nationality: countryCode(),
  preferredLanguage: language,
  isChild: Joi.boolean(),
  guardian,
  contact,
  consent,
  identityDocuments: Joi.array().items(identityDocument).max(10),
  programmes: Joi.array()
    .items(programmeCode())
    .unique()
    .max(20)
    .description('Programmes the victim is enrolled in (a restricted pot may pay only their members)'),
};

export const createVictimBody = Joi.object<VictimInput, true>({
  ...fields,
  fullName: fields.fullName.required(),
  preferredLanguage: fields.preferredLanguage.required(),
  consent: consent.required(),
  jurisdiction: countryCode().when('identifiedOn', { is: Joi.exist(), then: Joi.required() }),
  identifiedOn: pastDate(),
});

export const patchVictimBody = Joi.object<VictimPatch, true>({
  ...fields,
  witness: Joi.alternatives(
    Joi.object({ isWitness: Joi.boolean().required() }),
    Joi.object({ automatic: Joi.valid(true).required() }),
  ),
}).min(1);

export const victimIdParams = Joi.object<IdParams, true>({ id: uuid().required() });

export const victimResponse = Joi.object({
  id: Joi.string(),
  reference: Joi.string(),
  fullName: Joi.string(),
  dateOfBirth: Joi.string().allow(null),
  preferredLanguage: Joi.string(),
  isChild: Joi.boolean(),
  contact: Joi.object().allow(null),
  consent: consent,
  witness: Joi.object({ isWitness: Joi.boolean(), setBy: Joi.string() }),
  reflectionPeriod: Joi.object().allow(null),
  warnings: Joi.array().items(
    Joi.object({ code: Joi.string(), message: Joi.string(), references: Joi.array() }),
  ),
}).unknown(true);

export interface VictimSearchQuery {
  /** Exact reference, e.g. V-7KQ2M9XA (case and spaces ignored). */
  reference?: string;
  /** Exact identity document number, through its blind index. */
  documentNumber?: string;
  /** The whole name, or any of its whole words. */
  name?: string;
  /** Only victims in my caseload (assigned to me). */
  mine?: boolean;
  /** Only victims of this office (organization). */
  organizationId?: string;
  nationality?: string;
  /** Only victims with (true) or without (false) a claim still being pursued. */
  hasOpenClaims?: boolean;
  limit: number;
  cursor?: string;
  /** csv: the whole list under the same filters (also `Accept: text/csv`) */
  format?: 'json' | 'csv';
}

export const victimSearchQuery = Joi.object<VictimSearchQuery, true>({
  reference: Joi.string().trim().max(20).description('Exact reference, e.g. V-7KQ2M9XA'),
  documentNumber: Joi.string().trim().min(3).max(40).description('Exact identity document number'),
  name: Joi.string().trim().min(1).max(200).description('The whole name, or any whole word of it'),
  mine: Joi.boolean().description('Only victims assigned to me'),
  organizationId: uuid().description('Only victims of this office'),
  nationality: countryCode(),
  hasOpenClaims: Joi.boolean(),
  limit: Joi.number().integer().min(1).max(200).default(50),
  cursor: Joi.string().max(100),
  format: listFormat,
});

export const victimSearchResponse = Joi.object({
  items: Joi.array().items(
    Joi.object({
      id: Joi.string(),
      reference: Joi.string(),
      organizationId: Joi.string(),
      fullName: Joi.string().description('Legal aid of the victim’s office only'),
      nationality: Joi.string().allow(null),
      assigneeId: Joi.string().allow(null),
      isChild: Joi.boolean(),
      openClaims: Joi.number().integer(),
    }),
  ),
  nextCursor: Joi.string().allow(null),
});
