import { NotFoundError } from '../../lib/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in a console path that is not a uuid names no record: the same 404 as one out of reach. */
export function recordId(value: string | undefined): string {
  if (!value || !UUID.test(value)) throw new NotFoundError('record');
  return value;
}
