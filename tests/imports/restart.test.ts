/**
 * An import left «выполняется» by a killed process is taken up again when a worker starts; an import another
 * live process is running (it holds the job's lock) is left alone.
 */
import { db, sqlPool } from '../../src/db';
import { startQueue, stopQueue } from '../../src/jobs/queue';
import '../../src/modules/imports/imports.routes';
import { buildTree, useDb, userWith } from '../helpers';
import { csv, jobRow, resultOf } from './support';

useDb();
jest.setTimeout(90_000);

afterAll(async () => {
  await stopQueue();
});

it('re-runs an orphaned RUNNING import at worker start and leaves a live one alone', async () => {
  const t = await buildTree();
  const user = await userWith('CHAIR', t.primA2);
  const make = async (lastName: string) =>
    db().importJob.create({
      data: {
        organisationId: t.primA2.id,
        userId: user.id,
        mode: 'ADD',
        // As a killed process leaves it: RUNNING, started long ago, never finished.
        status: 'RUNNING',
        startedAt: new Date(Date.now() - 60_000),
        progress: 0.4,
        fileName: 'a.csv',
        fileHash: lastName,
        file: new Uint8Array(
          csv([
            ['Фамилия', 'Имя', 'Отчество', 'Дата рождения'],
            [lastName, 'Анна', 'Ильинична', '01.02.1990'],
          ]),
        ),
        mapping: { columns: { lastName: 0, firstName: 1, middleName: 2, birthDate: 3 }, joinedAt: '2024-09-01' },
      },
    });
  const orphan = await make('Брошенова');
  const live = await make('Живущева');

  // Another process is running `live`: it holds the job's lock.
  const other = await sqlPool().connect();
  try {
    await other.query(`SELECT pg_advisory_lock(hashtextextended('reestr.import:' || $1::text, 0))`, [live.id]);
    await startQueue(process.env.DATABASE_URL!, { work: true });

    const until = Date.now() + 60_000;
    while ((await jobRow(orphan.id)).status !== 'DONE') {
      if (Date.now() > until) throw new Error(`the orphan is still ${(await jobRow(orphan.id)).status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(resultOf(await jobRow(orphan.id))).toMatchObject({ created: 1 });
    expect(await db().member.count({ where: { organisationId: t.primA2.id, person: { lastName: 'Брошенова' } } })).toBe(
      1,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const l = await jobRow(live.id);
    expect(l.status).toBe('RUNNING');
    expect(await db().member.count({ where: { person: { lastName: 'Живущева' } } })).toBe(0);
  } finally {
    other.release();
  }
});
