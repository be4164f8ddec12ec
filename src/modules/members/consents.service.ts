// A member's consents: given or withdrawn on a date.
import { assertNotDepersonalised } from '../retention/depersonalised';
import { db } from '../../db';
import type { ConsentKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { fromDate, today } from '../../lib/dates';
import { currentConsent, insertConsents, withdrawInForce } from '../consents/consents.repo';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import type { MemberFull } from './members.repo';
import { CONSENT_TEXT_VERSION } from './members.service';

export async function setConsent(actor: Actor, member: MemberFull, kind: ConsentKind, given: boolean, date: string) {
  assertNotDepersonalised(member.person);
  if (date > today()) throw new AppError('BAD_REQUEST', undefined, { date: 'Дата не может быть в будущем' });
  await db().$transaction(async (tx) => {
    const current = await currentConsent(tx, member.personId, kind);
    if (given) {
      if (current) throw new AppError('CONFLICT', 'Это согласие уже дано и не отозвано');
      await insertConsents(tx, member.personId, [kind], date, CONSENT_TEXT_VERSION);
    } else {
      if (!current) throw new AppError('CONFLICT', 'Действующего согласия этого вида нет');
      if (date < fromDate(current.givenAt))
        throw new AppError('BAD_REQUEST', undefined, { date: 'Дата отзыва не раньше даты согласия' });
      await withdrawInForce(tx, member.personId, kind, date);
    }
    await audit(
      actor,
      {
        action: 'consent.changed',
        entity: 'Member',
        entityId: member.id,
        organisationId: member.organisationId,
        details: { kind, given },
      },
      tx,
    );
  });
}
