/**
 * An import writes its registrations with the person's copies (name, gender, birth date) read by a join in the
 * same statement, the row trigger keeping out: the copies must equal what the trigger would have written, and the
 * switch must not outlive that statement (a registration written afterwards in the same transaction is copied by
 * the trigger as before).
 */
import { buildOrg, buildMember } from '../../src/seed/builders.repo';
import { db, withTransaction } from '../../src/db';
import { buildTree, loginAs, useDb, userWith, type Tree } from '../helpers';
import { csv, importViaPage, resultOf } from './support';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

describe('registration copies written by an import', () => {
  it('equal the people’s values, and a former member coming back gets the copies too', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО копий', institutionType: 'POO' });
    const chair = await loginAs((await userWith('CHAIR', org)).login);
    const file = csv([
      ['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Пол'],
      ['Ёлкина', 'Алёна', 'Петровна', '14.03.1985', 'Ж'],
      ['Семёнов', 'Пётр', 'Ильич', '02.01.1979', ''],
    ]);
    const job = await importViaPage(chair, org.id, file, 'copies.csv', { joinedAt: '01.09.2020', category: 'WORKING' });
    expect(job.status).toBe('DONE');
    expect(resultOf(job)).toMatchObject({ created: 2, rejected: [] });
    const rows = await db().$queryRaw<{ same: boolean; lastNameKey: string | null }[]>`
      SELECT r."lastNameKey",
        (r.gender IS NOT DISTINCT FROM p.gender AND r."birthDate" = p."birthDate" AND r."lastNameKey" = p."lastNameKey"
         AND r."firstName" = p."firstName" AND r."middleName" IS NOT DISTINCT FROM p."middleName"
         AND r."cardPlastic" IS NULL AND r."cardVirtual" IS NULL) AS same
      FROM "Registration" r JOIN "Member" m ON m.id = r."memberId" JOIN "Person" p ON p.id = m."personId"
      WHERE r."organisationId" = ${org.id}::uuid ORDER BY r."lastNameKey"`;
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.lastNameKey)).toEqual(['ЕЛКИНА', 'СЕМЕНОВ']);
    expect(rows.every((r) => r.same)).toBe(true);
  });

  it('the trigger copies again once the import statement is over (the setting is switched off)', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО после', institutionType: 'POO' });
    const m = await buildMember({ org, lastName: 'Копиева', gender: 'FEMALE' });
    const copied = await withTransaction(async (c) => {
      await c.query(`SELECT set_config('reestr.copies_given', 'on', true)`);
      await c.query(`SELECT set_config('reestr.copies_given', 'off', true)`);
      await c.query(`DELETE FROM "Registration" WHERE "memberId" = $1::uuid`, [m.memberId]);
      await c.query(
        `INSERT INTO "Registration" (id, "memberId", "organisationId", category, "validFrom", "startKind")
         VALUES (gen_random_uuid(), $1::uuid, $2::uuid, 'WORKING', '2020-01-01', 'JOINED')`,
        [m.memberId, org.id],
      );
      const r = await c.query<{ lastNameKey: string; gender: string }>(
        `SELECT "lastNameKey", gender::text FROM "Registration" WHERE "memberId" = $1::uuid`,
        [m.memberId],
      );
      return r.rows[0];
    });
    expect(copied).toEqual({ lastNameKey: 'КОПИЕВА', gender: 'FEMALE' });
  });
});
