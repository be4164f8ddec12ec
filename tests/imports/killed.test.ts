import { spawn } from 'node:child_process';
import path from 'node:path';
import { db, sqlPool } from '../../src/db';
import { buildOrg } from '../../src/seed/builders.repo';
import { runImport } from '../../src/modules/imports/imports.service';
import { buildTree, useDb, userWith } from '../helpers';
import { csv, jobRow, resultOf, tableCounts } from './support';

useDb();
jest.setTimeout(180_000);

const ROWS = 20_000;
const LETTERS = 'абвгдежзиклмнопрстуф';
/** A distinct Russian surname for each row number. */
const surname = (i: number) => `Тест${Array.from(String(i).padStart(5, '0'), (d) => LETTERS[Number(d) * 2]).join('')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Backends of this database, other than ours, inside a transaction that has written something. */
async function writingBackends(): Promise<number[]> {
  const r = await sqlPool().query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
  );
  return r.rows.map((x) => x.pid);
}
async function backendAlive(pids: number[]): Promise<boolean> {
  const r = await sqlPool().query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [pids]);
  return r.rows[0].n > 0;
}

describe('a job killed mid-run', () => {
  it('leaves no member behind when its process is killed inside the write, and runs whole when retried', async () => {
    const t = await buildTree();
    const org = await buildOrg(t.terrB1, 'PRIMARY', { name: 'ППО большого вуза', institutionType: 'OOVO' });
    const user = await userWith('CHAIR', org);
    const rows: string[][] = [['Фамилия', 'Имя', 'Отчество', 'Дата рождения', 'Номер студенческого']];
    for (let i = 0; i < ROWS; i++) {
      const d = new Date(Date.UTC(1995, 0, 1) + (i % 3000) * 86_400_000)
        .toISOString()
        .slice(0, 10)
        .split('-')
        .reverse()
        .join('.');
      rows.push([surname(i), 'Анна', 'Петровна', d, `N${i}`]);
    }
    const file = csv(rows);
    const job = await db().importJob.create({
      data: {
        organisationId: org.id,
        userId: user.id,
        mode: 'ADD',
        status: 'QUEUED',
        fileName: 'big.csv',
        fileHash: 'x',
        file: new Uint8Array(file),
        mapping: {
          columns: { lastName: 0, firstName: 1, middleName: 2, birthDate: 3, externalId: 4 },
          category: 'STUDENT',
          joinedAt: '2024-09-01',
        },
      },
    });
    const before = await tableCounts();

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'child-run.ts'), job.id], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );

    // Wait until the job is RUNNING and its transaction has written the first batch of rows.
    let writers: number[];
    const until = Date.now() + 120_000;
    for (;;) {
      const j = await db().importJob.findUniqueOrThrow({
        where: { id: job.id },
        select: { status: true, progress: true },
      });
      if (j.status === 'DONE' || j.status === 'FAILED')
        throw new Error(`the child finished (${j.status}) before it could be killed; stderr: ${stderr}`);
      if (j.status === 'RUNNING' && j.progress > 0.4) {
        writers = await writingBackends();
        if (writers.length) break;
      }
      if (Date.now() > until)
        throw new Error(
          `the job never got into its write (status ${j.status}, progress ${j.progress}); stderr: ${stderr}`,
        );
      await sleep(10);
    }
    process.kill(-child.pid!, 'SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    // The server notices the dead connection and rolls its transaction back.
    const gone = Date.now() + 30_000;
    while (await backendAlive(writers)) {
      if (Date.now() > gone) throw new Error("the killed process's backend is still there");
      await sleep(50);
    }

    expect(await db().member.count({ where: { organisationId: org.id } })).toBe(0);
    expect(await db().person.count({ where: { lastName: { startsWith: 'Тест' } } })).toBe(0);
    expect(await db().importChange.count({ where: { importId: job.id } })).toBe(0);
    expect(await tableCounts()).toEqual(before);
    const dead = await jobRow(job.id);
    expect(dead.status).toBe('RUNNING'); // it never finished
    expect(dead.result).toBeNull();

    // The queue retries a job whose process died: the second run does the whole file, once.
    await runImport(job.id);
    const done = await jobRow(job.id);
    expect(done.status).toBe('DONE');
    expect(resultOf(done)).toMatchObject({ created: ROWS, rejected: [] });
    expect(await db().member.count({ where: { organisationId: org.id } })).toBe(ROWS);
    const after = await tableCounts();
    expect(after.member - before.member).toBe(ROWS);
    expect(after.person - before.person).toBe(ROWS);
  });
});
