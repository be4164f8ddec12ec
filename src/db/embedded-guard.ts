/**
 * Checks before the embedded PostgreSQL starts, so that a failed start says why in Russian and what to do:
 * an orphan server left by a killed `npm start` on the same data folder is stopped; a folder the `postgres`
 * user cannot reach, binaries it cannot run and a busy port are reported instead of `spawn EACCES`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class EmbeddedStartError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readProc(pid: number, file: string): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** The parent of a process (Linux /proc), or null when it cannot be told. */
function parentOf(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (!stat) return null;
  // "pid (comm) state ppid …": comm may hold spaces, so read after the last ')'.
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isFinite(ppid) ? ppid : null;
}

/**
 * A server still running on `dir` (postmaster.pid names a live process). When its parent is gone (the
 * `npm start` that owned it was killed) it is stopped (fast shutdown) and the start goes on; when a live
 * program still owns it, starting a second one on the same folder is refused.
 */
export async function stopOrphanServer(dir: string, log?: (m: string) => void): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) {
    // A crash of the whole machine: a stale pid file only.
    fs.rmSync(pidFile, { force: true });
    return;
  }
  const comm = readProc(pid, 'comm')?.trim();
  if (comm !== undefined && comm !== 'postgres') {
    // The pid was reused by an unrelated program after a crash.
    fs.rmSync(pidFile, { force: true });
    return;
  }
  const ppid = parentOf(pid);
  const parentCmd = ppid && ppid > 1 ? (readProc(ppid, 'cmdline') ?? '') : '';
  if (/node|tsx|npm/.test(parentCmd)) {
    throw new EmbeddedStartError(
      `Папка данных ${dir} уже используется: её PostgreSQL (процесс ${pid}) запущен другим процессом реестра ` +
        `(${ppid}). Остановите тот запуск (Ctrl-C в его окне или kill ${ppid}) либо укажите другую папку: DATA_DIR=…`,
    );
  }
  log?.(`Найдена PostgreSQL от прерванного запуска (процесс ${pid}); останавливаю её…`);
  for (const [signal, waitMs] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 10_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      break;
    }
    const until = Date.now() + waitMs;
    while (alive(pid) && Date.now() < until) await sleep(100);
    if (!alive(pid)) break;
  }
  if (alive(pid))
    throw new EmbeddedStartError(
      `PostgreSQL от прерванного запуска (процесс ${pid}) не останавливается. Остановите его: kill -9 ${pid}, ` +
        'затем запустите снова',
    );
  fs.rmSync(pidFile, { force: true });
}

/** Refuses a port another program listens on, before PostgreSQL is started. */
export async function checkPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new EmbeddedStartError(
              `Порт ${port} для встроенной PostgreSQL занят другой программой. Освободите его или укажите ` +
                `другой порт: EMBEDDED_PG_PORT=${port + 1} npm start`,
            )
          : new EmbeddedStartError(`Порт ${port} для встроенной PostgreSQL недоступен (${e.code ?? e.message})`),
      );
    });
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
}

/** The first existing folder on the way to `dir` (the folder itself when it exists). */
function existingAncestor(dir: string): string {
  let d = path.resolve(dir);
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user: it must be able to run the binaries and reach the
 * data folder (every folder above it must let it through).
 */
export function checkPostgresUserAccess(dir: string, binary: string, ids: { uid: number; gid: number }): void {
  const run = spawnSync(binary, ['--version'], { uid: ids.uid, gid: ids.gid, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    const errno: NodeJS.ErrnoException | undefined = run.error;
    throw new EmbeddedStartError(
      `Пользователь postgres не может запустить PostgreSQL из ${path.dirname(binary)} ` +
        `(${errno?.code ?? 'отказ'}): папка проекта закрыта для других ` +
        'пользователей. Запустите реестр не от root либо разместите проект в общедоступной папке (например, /opt/reestr), ' +
        'или задайте DATABASE_URL своей PostgreSQL',
    );
  }
  const reach = existingAncestor(dir);
  const probe = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', reach], { uid: ids.uid, gid: ids.gid });
  if (probe.error || probe.status !== 0) {
    throw new EmbeddedStartError(
      `Пользователь postgres не может открыть папку данных ${dir} (нет доступа к ${reach}). Укажите папку, ` +
        'доступную ему, например DATA_DIR=/var/lib/reestr (chown postgres), или запустите реестр не от root',
    );
  }
}

/** The uid/gid of the `postgres` user, or null (not root, or no such user yet). */
export function postgresUserIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const u = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}
