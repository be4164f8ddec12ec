import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// The schema's datasource url must resolve for the CLI to read the schema at all; generate and
// migrate diff never connect, so a placeholder is enough when no database is configured.
process.env.DATABASE_URL ??= 'postgresql://localhost/unused';

// The CLI runs offline with its bundled WebAssembly schema engine (no binary download), used for
// `generate` and `migrate diff`. Migrations are applied by src/db/migrate.ts.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter() {
    return Promise.resolve(new PrismaPg({ connectionString: process.env.DATABASE_URL }));
  },
});
