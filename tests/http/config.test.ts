/** The server listens on the loopback unless told otherwise and refuses the documentation's example secret. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
function runConfig(env: Record<string, string>) {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return spawnSync(
    process.execPath,
    ['-r', 'tsx/cjs', '-e', "process.stdout.write(require('./src/config').config.HOST)"],
    { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 20000 },
  );
}

it('listens on 127.0.0.1 by default and on what HOST says', () => {
  expect(runConfig({}).stdout).toBe('127.0.0.1');
  expect(runConfig({ HOST: '0.0.0.0' }).stdout).toBe('0.0.0.0');
});

it('refuses to start with the placeholder secret of docker-compose.yml, and production without a secret', () => {
  const r = runConfig({ SESSION_SECRET: 'change-me-to-a-long-random-string' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('SESSION_SECRET');
  const p = runConfig({ NODE_ENV: 'production' });
  expect(p.status).toBe(1);
  expect(p.stderr).toContain('SESSION_SECRET');
  expect(runConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a-real-secret-of-my-own-1234567' }).status).toBe(0);
});

it('docker-compose sets TRUST_PROXY, takes the secret from the environment and publishes on the loopback', () => {
  const yml = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  expect(yml).toMatch(/TRUST_PROXY: '1'/);
  expect(yml).toMatch(/SESSION_SECRET: \$\{SESSION_SECRET:\?/);
  expect(yml).not.toContain('change-me-to-a-long-random-string');
  expect(yml).toContain("'127.0.0.1:3000:3000'");
});
