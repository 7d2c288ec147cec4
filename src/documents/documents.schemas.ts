import Joi from 'joi';
import { bigintId, uuid } from '../lib/schemas';
import { DOCUMENT_KINDS, type DocumentKind } from './documents';

export interface IdParams {
  id: string;
}
export const idParams = Joi.object<IdParams, true>({ id: uuid().required() });

export interface DecisionParams {
  id: string;
  decisionId: string;
}
export const decisionParams = Joi.object<DecisionParams, true>({
  id: uuid().required(),
  decisionId: bigintId().required().description('The decision: its entry in the claim’s history (`id`)'),
});

/** The file itself is the raw request body; what describes it travels in the query. */
export interface UploadQuery {
  kind: DocumentKind;
  filename: string;
}
export const uploadQuery = Joi.object<UploadQuery, true>({
  kind: Joi.string()
    .valid(...DOCUMENT_KINDS)
    .required(),
  filename: Joi.string()
    .trim()
    .min(1)
    .max(255)
    .required()
    .description(
      'The file’s name, shown to those who may see it (stored encrypted); it does not set the type',
    ),
});

export interface ListQuery {
  includeVoided: boolean;
}
export const listQuery = Joi.object<ListQuery, true>({
  includeVoided: Joi.boolean().default(false).description('true: voided documents too, with who and why'),
});

export interface VoidBody {
  reason: string;
}
export const voidBody = Joi.object<VoidBody, true>({
  reason: Joi.string().trim().min(1).max(500).required(),
});

export const documentResponse = Joi.object({
  id: Joi.string(),
  ownerKind: Joi.string().valid('victim', 'claim', 'decision', 'disbursement'),
  ownerId: Joi.string(),
  claimId: Joi.string().allow(null),
  kind: Joi.string(),
  filename: Joi.string(),
  mediaType: Joi.string().description('Found from the content'),
  sizeBytes: Joi.number().integer(),
  uploadedBy: Joi.string(),
  uploadedAt: Joi.string(),
  answersTransitionId: Joi.string()
    .allow(null)
    .description('The move out of info_requested that sent this document to the fund'),
  voided: Joi.object({ at: Joi.string(), by: Joi.string(), reason: Joi.string() }).allow(null),
});

export const documentList = Joi.object({ items: Joi.array().items(documentResponse) });
