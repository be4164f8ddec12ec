import { AppError } from '../../http/errors';
import { nameKey } from '../../lib/names';

/** The placeholder every name field gets: shown as «Обезличен (ID 1a2b3c4d)» wherever a name is shown. */
export const PLACEHOLDER_LAST = 'Обезличен';

/**
 * A depersonalised record (152-ФЗ ст. 21, retention or a withdrawn consent) is final: nobody puts personal data back
 * into it, gives it consents or positions, or takes it back into the union. A person who joins again is a new record.
 */
export const DEPERSONALISED_MESSAGE =
  'Данные этого человека обезличены (152-ФЗ): запись нельзя изменить или восстановить. Если он вступает в Профсоюз снова, поставьте его на учёт как нового члена';

export function assertNotDepersonalised(person: { depersonalisedAt: Date | null } | null | undefined): void {
  if (person?.depersonalisedAt) throw new AppError('UNPROCESSABLE', DEPERSONALISED_MESSAGE);
}

/** The placeholder surname is the mark of a depersonalised record: no one is entered under it (no look-alikes). */
export function placeholderNameProblem(lastName: string | null | undefined): string | null {
  return lastName && nameKey(lastName) === nameKey(PLACEHOLDER_LAST)
    ? `«${PLACEHOLDER_LAST}» — отметка обезличенных записей, а не фамилия: укажите настоящую фамилию`
    : null;
}
