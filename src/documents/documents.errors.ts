import { DomainError } from '../lib/errors';

/** The documents' own refusals; problems.ts gives each its status. */

/** A voided document keeps its record, but its content is deleted: nothing more can happen to it. */
export class DocumentVoided extends DomainError {
  constructor(detail: string) {
    super('document-voided', detail);
  }
}

/** The stored content does not decrypt or verify: never served, logged and audited. */
export class DocumentIntegrityFailed extends DomainError {
  constructor(detail: string) {
    super('document-integrity-failed', detail);
  }
}

/** The file's content is of no accepted type (read from the bytes, never from the name). */
export class DocumentTypeRefused extends DomainError {
  constructor(detail: string) {
    super('document-type-refused', detail);
  }
}
