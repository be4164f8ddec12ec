// Registering and editing a member (person data, external id, category) and the checks they share.
// Exit and transfer: movements.service.ts; consents: consents.service.ts; positions: positions.service.ts.
import { assertNotDepersonalised, placeholderNameProblem } from '../retention/depersonalised';
import { db, type Tx } from '../../db';
import { Prisma, type Category, type ConsentKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { fromDate, today } from '../../lib/dates';
import { genderFromPatronymic } from '../../lib/names';
import { insertConsents } from '../consents/consents.repo';
import { isVisible, type Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { LEVELS } from '../organisations/levels';
import type { OrgRow } from '../organisations/organisations.repo';
import {
  addMovement,
  addRegistration,
  bumpVersion,
  lockMemberRow,
  closeRegistration,
  findExistingPerson,
  personsFor,
  insertMembership,
  insertPerson,
  loadMember,
  openRegistration,
  updatePerson,
  type MemberFull,
  type PersonData,
  memberStandIn,
} from './members.repo';

export const CONSENT_TEXT_VERSION = '2026-01';

export interface NewMember extends PersonData {
  category: Category;
  joinedAt: string;
  externalId?: string | null;
  consents: { processing: boolean; bonusProgramme?: boolean; messaging?: boolean };
}

/**
 * The duplicate as the caller may see it: the organisation and the member's id only when they are inside the
 * caller's scope. Outside it, `memberId` (which the API contract always carries) is a stand-in: the same for the
 * same member, UUID-shaped, and no id of anything in the registry, so it names no one and opens nothing (a transfer
 * from another organisation is asked for by the person's identity, see transfers.service.ts).
 */
export async function duplicateError(
  actor: Actor,
  existing: { memberId: string; organisation: { id: string; name: string; shortName: string | null; path: string } },
) {
  const visible = isVisible(actor, existing.organisation.path);
  const memberId = visible ? existing.memberId : await memberStandIn(existing.memberId);
  return new AppError(
    'DUPLICATE_PERSON',
    visible
      ? `Этот человек уже состоит на учёте в «${existing.organisation.shortName ?? existing.organisation.name}»`
      : 'Такой человек уже состоит в Профсоюзе в другой организации',
    undefined,
    {
      existing: {
        memberId,
        ...(visible
          ? {
              organisationId: existing.organisation.id,
              organisationName: existing.organisation.shortName ?? existing.organisation.name,
            }
          : {}),
      },
    },
  );
}

/** The СНИЛС typed belongs to another person of the registry: shown on the СНИЛС field. */
export function snilsConflict() {
  return new AppError('CONFLICT', 'Этот СНИЛС уже записан в реестре за другим человеком', {
    snils: 'Этот СНИЛС записан в реестре за другим человеком (другие ФИО или дата рождения). Проверьте номер',
  });
}

function snilsMismatch() {
  return new AppError('CONFLICT', 'У человека с такими ФИО и датой рождения в реестре другой СНИЛС', {
    snils: 'У человека с такими ФИО и датой рождения в реестре записан другой СНИЛС. Проверьте номер',
  });
}

export function assertHoldsMembers(org: OrgRow, field = 'organisationId') {
  if (!LEVELS[org.kind].holdsMembers)
    throw new AppError(
      'BAD_REQUEST',
      'Члены Профсоюза состоят на учёте в первичной организации, профбюро или профгруппе',
      { [field]: 'Выберите первичную организацию, профбюро или профгруппу' },
    );
  if (org.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Организация исключена из реестра');
}

/** Unique violations that mean "this person already exists", raced past the check. */
function isDuplicateRace(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}

/**
 * Registers a member: one transaction for person, membership, registration period, movement, consents and
 * the audit record. A person already registered anywhere is refused (the caller offers a transfer);
 * a former member who rejoins keeps their person record.
 */
export async function createMember(actor: Actor, org: OrgRow, input: NewMember): Promise<MemberFull> {
  // Without a gender given, the patronymic tells it where it can (‑вна → Ж, ‑вич → М); otherwise «не указан».
  input = { ...input, gender: input.gender ?? genderFromPatronymic(input.middleName) };
  assertHoldsMembers(org);
  const placeholder = placeholderNameProblem(input.lastName);
  if (placeholder) throw new AppError('BAD_REQUEST', undefined, { lastName: placeholder });
  if (input.consents.processing !== true)
    throw new AppError('UNPROCESSABLE', 'Без согласия на обработку персональных данных поставить на учёт нельзя', {
      'consents.processing': 'Нужно согласие на обработку персональных данных',
    });
  try {
    return await db().$transaction(async (tx) => {
      const { byIdentity: existing, bySnils } = await personsFor(tx, input);
      // A СНИЛС recorded for someone else (other ФИО or birth date) is a conflict to resolve, never a reason
      // to reuse and rename that person's record.
      if (bySnils && bySnils.id !== existing?.id) throw snilsConflict();
      assertNotDepersonalised(existing ?? bySnils);
      if (existing?.members.length)
        throw await duplicateError(actor, {
          memberId: existing.members[0].id,
          organisation: existing.members[0].organisation,
        });
      if (existing && input.snils && existing.snils && existing.snils !== input.snils) throw snilsMismatch();
      const person = existing ? await updatePerson(tx, existing.id, input) : await insertPerson(tx, input);
      const member = await insertMembership(tx, {
        personId: person.id,
        organisationId: org.id,
        category: input.category,
        joinedAt: input.joinedAt,
        externalId: input.externalId,
        actorId: actor.userId,
      });
      const kinds: ConsentKind[] = ['PROCESSING'];
      if (input.consents.bonusProgramme) kinds.push('BONUS_PROGRAMME');
      if (input.consents.messaging) kinds.push('MESSAGING');
      await insertConsents(
        tx,
        person.id,
        kinds,
        input.joinedAt > today() ? today() : input.joinedAt,
        CONSENT_TEXT_VERSION,
      );
      await audit(
        actor,
        {
          action: 'member.created',
          entity: 'Member',
          entityId: member.id,
          organisationId: org.id,
          details: { rejoined: !!existing },
        },
        tx,
      );
      return loadMember(tx, member.id);
    });
  } catch (e) {
    if (isDuplicateRace(e)) {
      const existing = await findExistingPerson(undefined, input);
      if (existing?.members.length)
        throw await duplicateError(actor, {
          memberId: existing.members[0].id,
          organisation: existing.members[0].organisation,
        });
      throw new AppError('CONFLICT', 'Человек с таким СНИЛС или с такими ФИО и датой рождения уже есть в реестре', {
        snils: 'Такой СНИЛС уже есть в реестре',
      });
    }
    throw e;
  }
}

/** Without a version from the caller: the member as it is now, its row locked. */
export async function unversioned(tx: Tx, id: string): Promise<MemberFull> {
  await lockMemberRow(tx, id);
  return loadMember(tx, id);
}

/** The member as the caller last read it (`version`), its version bumped; STALE_VERSION when it has changed since. */
export async function lockedMember(tx: Tx, id: string, version: number): Promise<MemberFull> {
  // A form sent without its version (or with a mangled one) cannot prove it saw the current record: stale, not a 500.
  if (!Number.isInteger(version) || !(await bumpVersion(tx, id, version))) throw new AppError('STALE_VERSION');
  return loadMember(tx, id);
}

export async function updateMember(
  actor: Actor,
  member: MemberFull,
  version: number,
  input: Partial<PersonData> & { externalId?: string | null; category?: Category },
): Promise<MemberFull> {
  const p = member.person;
  assertNotDepersonalised(p);
  const placeholder = placeholderNameProblem(input.lastName);
  if (placeholder) throw new AppError('BAD_REQUEST', undefined, { lastName: placeholder });
  const merged: PersonData = {
    lastName: input.lastName ?? p.lastName,
    firstName: input.firstName ?? p.firstName,
    middleName: input.middleName !== undefined ? input.middleName : p.middleName,
    birthDate: input.birthDate ?? fromDate(p.birthDate),
    gender: input.gender !== undefined ? input.gender : p.gender,
    phone: input.phone !== undefined ? input.phone : p.phone,
    email: input.email !== undefined ? input.email : p.email,
    snils: input.snils !== undefined ? input.snils : p.snils,
  };
  try {
    return await db().$transaction(async (tx) => {
      // Read again under the lock: a depersonalisation run may have taken the person since the form was opened.
      assertNotDepersonalised((await lockedMember(tx, member.id, version)).person);
      const { byIdentity: other, bySnils } = await personsFor(tx, merged);
      if (bySnils && bySnils.id !== p.id) throw snilsConflict();
      if (other && other.id !== p.id)
        throw new AppError(
          'DUPLICATE_PERSON',
          'В реестре уже есть другой человек с такими ФИО и датой рождения или СНИЛС',
        );
      await updatePerson(tx, p.id, merged);
      if (input.externalId !== undefined)
        await tx.member.update({ where: { id: member.id }, data: { externalId: input.externalId } });
      if (input.category && input.category !== member.category && member.status === 'ACTIVE')
        await changeCategoryTx(tx, actor, member, input.category, today());
      await audit(
        actor,
        { action: 'member.updated', entity: 'Member', entityId: member.id, organisationId: member.organisationId },
        tx,
      );
      return loadMember(tx, member.id);
    });
  } catch (e) {
    if (isDuplicateRace(e))
      throw new AppError(
        'DUPLICATE_PERSON',
        'В реестре уже есть другой человек с такими ФИО и датой рождения или СНИЛС',
      );
    throw e;
  }
}

async function changeCategoryTx(tx: Tx, actor: Actor, member: MemberFull, category: Category, date: string) {
  const reg = await openRegistration(tx, member.id);
  if (!reg) throw new AppError('UNPROCESSABLE', 'Член Профсоюза снят с учёта');
  const from = fromDate(reg.validFrom);
  if (date < from)
    throw new AppError('BAD_REQUEST', undefined, {
      date: `Дата не раньше постановки на учёт (${from.split('-').reverse().join('.')})`,
    });
  if (date > today()) throw new AppError('BAD_REQUEST', undefined, { date: 'Дата не может быть в будущем' });
  if (date === from) {
    await tx.registration.update({ where: { id: reg.id }, data: { category } });
  } else {
    await closeRegistration(tx, reg.id, date, 'CATEGORY_CHANGE');
    await addRegistration(tx, {
      memberId: member.id,
      organisationId: reg.organisationId,
      category,
      from: date,
      startKind: 'CATEGORY_CHANGE',
    });
  }
  await tx.member.update({ where: { id: member.id }, data: { category } });
  await addMovement(tx, {
    memberId: member.id,
    kind: 'CATEGORY_CHANGE',
    date,
    organisationId: reg.organisationId,
    note: category,
    actorId: actor.userId,
  });
}

export async function changeCategory(
  actor: Actor,
  member: MemberFull,
  version: number,
  category: Category,
  date: string,
) {
  return db().$transaction(async (tx) => {
    const m = await lockedMember(tx, member.id, version);
    if (m.status !== 'ACTIVE') throw new AppError('UNPROCESSABLE', 'Член Профсоюза снят с учёта');
    await changeCategoryTx(tx, actor, m, category, date);
    await audit(
      actor,
      {
        action: 'member.updated',
        entity: 'Member',
        entityId: member.id,
        organisationId: member.organisationId,
        details: { category },
      },
      tx,
    );
    return loadMember(tx, member.id);
  });
}
