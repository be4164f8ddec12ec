/** docker-compose.yml cannot be run here (no Docker engine): its structure is checked instead. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

interface Service {
  profiles?: string[];
  command?: string[];
  depends_on?: Record<string, unknown>;
  environment?: Record<string, string>;
  volumes?: string[];
}
const ROOT = path.resolve(__dirname, '../..');
const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

it('keeps the default profile as it was: one database, the app (npm start) and the mail catcher', () => {
  expect(Object.keys(services).filter((k) => !services[k].profiles)).toEqual(['db', 'app', 'mailpit']);
});

it('the scale profile has a primary, a streaming replica, two web processes, a worker and a proxy', () => {
  const scale = Object.keys(services).filter((k) => services[k].profiles?.includes('scale'));
  expect(scale.sort()).toEqual(['pg-primary', 'pg-replica', 'proxy', 'web1', 'web2', 'worker']);
  expect(services.web1.command).toEqual(['npm', 'run', 'web']);
  expect(services.web2.command).toEqual(['npm', 'run', 'web']);
  expect(services.worker.command).toEqual(['npm', 'run', 'worker']);
  expect(services.web1.environment?.DATABASE_URL).toContain('@pg-primary:');
  expect(services.web2.environment?.DATABASE_READ_URL).toContain('@pg-replica:');
  for (const [name, s] of Object.entries(services))
    for (const dep of Object.keys(s.depends_on ?? {})) expect([name, dep, !!services[dep]]).toEqual([name, dep, true]);
});

it('every file a service mounts is in the repository, and the proxy sends to both web processes', () => {
  for (const s of Object.values(services))
    for (const v of s.volumes ?? []) {
      if (!v.startsWith('./')) continue;
      expect(fs.existsSync(path.join(ROOT, v.split(':')[0]))).toBe(true);
    }
  const nginx = fs.readFileSync(path.join(ROOT, 'deploy/nginx/reestr.conf'), 'utf8');
  expect(nginx).toMatch(/server web1:3000/);
  expect(nginx).toMatch(/server web2:3000/);
  // The app trusts one hop: the proxy overwrites the client's X-Forwarded-For instead of appending to it.
  expect(nginx).toMatch(/X-Forwarded-For \$remote_addr;/);
});
