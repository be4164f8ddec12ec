/**
 * Creates the first central administrator (on a real server, where no demo is loaded):
 *   npm run admin:create -- --login ivanova --name "Иванова Мария Петровна" [--password ...]
 * Without --password it is asked for (not echoed). Needs DATABASE_URL; the migrations are applied first.
 */
import readline from 'node:readline';
import { config } from '../config';
import { migrate } from '../db/migrate';
import { disconnectDb } from '../db';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function ask(q: string, hidden = false): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  if (hidden)
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(q)) process.stdout.write(s);
    };
  return new Promise((resolve) =>
    rl.question(q, (a) => {
      rl.close();
      if (hidden) process.stdout.write('\n');
      resolve(a.trim());
    }),
  );
}

async function main() {
  if (!config.DATABASE_URL)
    throw new Error('Задайте DATABASE_URL (для встроенной демо-базы администратор уже есть: demo-central)');
  await migrate(config.DATABASE_URL);
  const { createAdmin } = await import('../modules/users/admin.repo');
  const login = arg('login') ?? (await ask('Логин: '));
  const fullName = arg('name') ?? (await ask('ФИО: '));
  const password = arg('password') ?? (await ask('Пароль: ', true));
  const centralName = arg('central') ?? 'Общероссийский Профсоюз образования';
  const r = await createAdmin({ login, fullName, password, centralName });
  console.log(`Администратор ЦС «${r.login}» создан${r.createdCentral ? ' (создан и Центральный Совет)' : ''}.`);
  await disconnectDb();
}
main().catch(async (e) => {
  console.error(e instanceof Error ? e.message : e);
  await disconnectDb();
  process.exit(1);
});
