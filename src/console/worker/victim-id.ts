import { NotFoundError } from '../../lib/errors';
import { victimIdParams } from '../../victims/victims.schemas';
import type { ConsoleCall } from '../console-route';

/** The victim id in the path; anything that is not one is a page that does not exist. */
export function victimIdOf(call: ConsoleCall): string {
  const checked = victimIdParams.validate({ id: call.params.id });
  if (checked.error) throw new NotFoundError('victim');
  return checked.value.id;
}
