import type { ConsentKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { issueVirtualCard } from '../cards/cards.service';
import { CONSENT_TEXT_VERSION } from '../members/members.service';
import { currentConsent, insertConsents, withdrawInForce } from '../consents/consents.repo';
import { cardsOf, membershipsOf, personOf } from './me.repo';
import {
  closeWithdrawals,
  insertCardRequest,
  insertCorrection,
  insertWithdrawal,
  openWithdrawal,
  removePushSubscriptions,
  transaction,
} from './requests.repo';

export type ConsentOutcome = 'given' | 'withdrawn' | 'unchanged' | 'withdrawal-requested';

/** The membership a member acts through: the one in force, else the latest. */
export async function mainMembership(personId: string) {
  const ms = await membershipsOf(personId);
  if (ms.length === 0) throw new AppError('NOT_FOUND');
  return { main: ms[0], all: ms };
}

/**
 * A member gives or withdraws a consent on their own page. BONUS_PROGRAMME and MESSAGING take effect at once (the
 * next bonus export or message already goes by it). Withdrawing PROCESSING also takes effect at once on the consent
 * (the retention job depersonalises 30 days later) and opens a ProcessingWithdrawal the chair sees; giving it again
 * cancels that request. One transaction, one audit row (ids and codes only).
 */
export async function changeConsent(actor: Actor, kind: ConsentKind, given: boolean): Promise<ConsentOutcome> {
  const personId = actor.personId!;
  const { main } = await mainMembership(personId);
  const day = today();
  return transaction(async (tx) => {
    const inForce = await currentConsent(tx, personId, kind);
    let outcome: ConsentOutcome = 'unchanged';
    if (given && !inForce) {
      await insertConsents(tx, personId, [kind], day, CONSENT_TEXT_VERSION);
      if (kind === 'PROCESSING') await closeWithdrawals(tx, personId, 'CANCELLED');
      outcome = 'given';
    } else if (!given && inForce) {
      await withdrawInForce(tx, personId, kind, day);
      outcome = 'withdrawn';
      if (kind === 'MESSAGING') await removePushSubscriptions(tx, personId);
      if (kind === 'PROCESSING') {
        if (!(await openWithdrawal(tx, personId))) await insertWithdrawal(tx, personId, main.organisationId);
        outcome = 'withdrawal-requested';
      }
    } else if (!given && kind === 'PROCESSING' && (await openWithdrawal(tx, personId))) {
      outcome = 'withdrawal-requested';
    }
    if (outcome !== 'unchanged' && !(outcome === 'withdrawal-requested' && !inForce))
      await audit(
        null,
        {
          action: 'consent.changed',
          entity: 'Person',
          entityId: personId,
          organisationId: main.organisationId,
          details: { kind, given, by: 'member' },
        },
        tx,
      );
    return outcome;
  });
}

/** The member's current card: an issued one first, then one on its way; blocked cards do not count. */
export async function currentCard(personId: string) {
  const { main, all } = await mainMembership(personId);
  const cards = await cardsOf(all.map((m) => m.id));
  const live = cards.filter((c) => c.status !== 'BLOCKED');
  const card = live.find((c) => c.status === 'ISSUED') ?? live[0] ?? null;
  return { main, card };
}

/**
 * A member without a card asks for a virtual one: issued at once where the organisation allows it, otherwise a
 * request the chair approves. Returns what happened.
 */
export async function askVirtualCard(actor: Actor): Promise<'issued' | 'requested'> {
  const personId = actor.personId!;
  const { main, card } = await currentCard(personId);
  if (main.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Вы сняты с учёта: билет выдать нельзя');
  if (card) throw new AppError('CONFLICT', 'У вас уже есть действующий или заказанный билет');
  if (main.organisation.virtualCardsAtOnce) {
    const person = await personOf(personId);
    await issueVirtualCard(actor, { id: main.id, status: main.status, organisationId: main.organisationId, person });
    return 'issued';
  }
  try {
    const r = await insertCardRequest(main.id, main.organisationId);
    await audit(null, {
      action: 'member.request',
      entity: 'VirtualCardRequest',
      entityId: r.id,
      organisationId: main.organisationId,
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002')
      throw new AppError('CONFLICT', 'Вы уже попросили виртуальный билет: председатель рассмотрит просьбу');
    throw e;
  }
  return 'requested';
}

export const CORRECTION_FIELDS = {
  lastName: 'Фамилия',
  firstName: 'Имя',
  middleName: 'Отчество',
  birthDate: 'Дата рождения',
  phone: 'Телефон',
  email: 'Электронная почта',
  snils: 'СНИЛС',
  category: 'Категория',
  other: 'Другое',
} as const;
export type CorrectionField = keyof typeof CORRECTION_FIELDS;

export async function askCorrection(actor: Actor, field: CorrectionField, proposed: string): Promise<void> {
  const personId = actor.personId!;
  const { main } = await mainMembership(personId);
  const r = await insertCorrection({ personId, organisationId: main.organisationId, field, proposed });
  await audit(null, {
    action: 'member.request',
    entity: 'CorrectionRequest',
    entityId: r.id,
    organisationId: main.organisationId,
    details: { field },
  });
}
