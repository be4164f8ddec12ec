/** Shared steps of the retention tests: people with traces in every table, and a search of every text column. */
import { db } from '../../src/db';
import { addDays, today } from '../../src/lib/dates';
import { buildMember } from '../../src/seed/builders.repo';
import { addPosition } from '../reports/support';

const LETTERS = 'бвгджзклмнпрстфхцчшщ';
export function uniqueSurname(): string {
  const s = Array.from({ length: 7 }, () => LETTERS[Math.floor(Math.random() * LETTERS.length)]).join('');
  return `Ю${s}ова`;
}

export interface Traced {
  personId: string;
  memberId: string;
  /** Values that must be gone after depersonalisation. */
  needles: string[];
}

/**
 * A member with personal values everywhere the registry keeps them: contacts, СНИЛС, external number, an exit note,
 * a movement note, a card with a printed name and a block reason, a card event note, a join application, an
 * import's before-snapshot.
 */
export async function tracedMember(
  org: { id: string },
  o: { birthDate: string; joinedAt: string; exit?: string; gender?: 'MALE' | 'FEMALE'; chairUntil?: string },
): Promise<Traced> {
  const lastName = uniqueSurname();
  const n = Math.floor(Math.random() * 1e9)
    .toString()
    .padStart(9, '0');
  const phone = `+79${n}1`;
  const email = `${lastName.toLowerCase()}@example.ru`;
  const snils = `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6, 9)} 00`;
  const externalId = `ТАБ-${n}`;
  const m = await buildMember({
    org,
    lastName,
    firstName: 'Прасковья',
    middleName: 'Игнатьевна',
    birthDate: o.birthDate,
    gender: o.gender ?? 'FEMALE',
    phone,
    email,
    snils,
    externalId,
    joinedAt: o.joinedAt,
    exit: o.exit ? { date: o.exit, kind: 'EXIT_VOLUNTARY' } : undefined,
    consents: { messaging: true },
  });
  const note = `Заявление ${lastName} от руки`;
  await db().member.update({ where: { id: m.memberId }, data: { exitNote: o.exit ? note : null } });
  await db().movement.updateMany({ where: { memberId: m.memberId }, data: { note } });
  const cardNumber = `2${n}000001`.slice(0, 16);
  const card = await db().card.create({
    data: {
      number: cardNumber,
      memberId: m.memberId,
      form: 'PLASTIC',
      status: 'BLOCKED',
      printedName: `${lastName.toUpperCase()} ПРАСКОВЬЯ`,
      issuedAt: new Date(`${o.joinedAt}T00:00:00Z`),
      blockedAt: o.exit ? new Date(`${o.exit}T00:00:00Z`) : null,
      blockReason: `Утерян ${lastName}`,
    },
  });
  await db().cardEvent.create({ data: { cardId: card.id, status: 'ISSUED', date: card.issuedAt!, note } });
  await db().joinApplication.create({
    data: {
      organisationId: org.id,
      status: 'ACCEPTED',
      lastName,
      firstName: 'Прасковья',
      birthDate: new Date(`${o.birthDate}T00:00:00Z`),
      phone,
      email,
      memberId: m.memberId,
    },
  });
  const job = await db().importJob.create({
    data: { organisationId: org.id, mode: 'SYNC', status: 'DONE', fileName: 'list.xlsx', fileHash: n, mapping: {} },
  });
  await db().importChange.create({
    data: {
      importId: job.id,
      memberId: m.memberId,
      kind: 'UPDATED',
      before: { lastName, phone, email, snils },
      versionAfter: 2,
    },
  });
  // A returned card order whose comment names the holder.
  const order = await db().cardOrder.create({
    data: { organisationId: org.id, holderId: org.id, status: 'RETURNED', comment: `Исправьте ФИО: ${lastName}` },
  });
  await db().card.update({ where: { id: card.id }, data: { orderId: order.id } });
  // An upload never run (its file kept) and a failed one whose rejected rows keep their cells.
  const csv = Buffer.from(`Фамилия;Имя;Телефон\n${lastName};Прасковья;${phone}\n`, 'utf8');
  await db().importJob.create({
    data: { organisationId: org.id, mode: 'ADD', fileName: 'new.csv', fileHash: `p${n}`, mapping: {}, file: csv },
  });
  await db().importJob.create({
    data: {
      organisationId: org.id,
      mode: 'SYNC',
      status: 'DONE',
      fileName: 'sync.csv',
      fileHash: `f${n}`,
      mapping: {},
      result: { created: 0, rejected: [{ row: 2, errors: ['Нет даты рождения'], cells: [lastName, 'Прасковья'] }] },
    },
  });
  // The sign-in code and a message sent to her contacts as the outbox writes them (lower-cased, +7…).
  await db().outbox.create({
    data: { channel: 'EMAIL', recipient: email.toLowerCase(), text: 'Код для входа: 123456', status: 'STORED' },
  });
  await db().outbox.create({ data: { channel: 'SMS', recipient: phone, text: 'Код: 123456', status: 'STORED' } });
  if (o.chairUntil) await addPosition(m.personId, org, 'CHAIR', o.joinedAt, { endDate: o.chairUntil });
  return { ...m, needles: [lastName, phone, email, snils, externalId, cardNumber] };
}

export async function withdrawProcessing(personId: string, daysAgo: number): Promise<void> {
  await db().consent.updateMany({
    where: { personId, kind: 'PROCESSING' },
    data: { withdrawnAt: new Date(`${addDays(today(), -daysAgo)}T00:00:00Z`) },
  });
}

/**
 * Every text, varchar, json and bytea column of every table in every schema (the registry's and the job queue's),
 * searched for each value (stored files: for its UTF-8 bytes): the places where it still occurs, as "table.column".
 */
export async function whereFound(values: string[]): Promise<string[]> {
  const cols = await db().$queryRaw<{ s: string; t: string; c: string; d: string }[]>`
    SELECT c.table_schema::text AS s, c.table_name::text AS t, c.column_name::text AS c, c.data_type::text AS d
    FROM information_schema.columns c JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
      AND c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'character', 'ARRAY', 'bytea')`;
  expect(cols.length).toBeGreaterThan(50);
  expect(cols.some((x) => x.t === 'ImportJob' && x.c === 'file')).toBe(true);
  const found: string[] = [];
  for (const { s, t, c, d } of cols) {
    const q =
      d === 'bytea'
        ? `SELECT count(*)::int AS n FROM "${s}"."${t}"
           WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) v WHERE position(convert_to(v, 'UTF8') IN "${c}") > 0)`
        : `SELECT count(*)::int AS n FROM "${s}"."${t}" WHERE "${c}"::text ILIKE ANY($1::text[])`;
    const [{ n }] = await db().$queryRawUnsafe<{ n: number }[]>(
      q,
      d === 'bytea' ? values : values.map((v) => `%${v}%`),
    );
    if (n > 0) found.push(`${s}.${t}.${c}`);
  }
  return found;
}
