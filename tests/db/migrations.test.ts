/**
 * Guard: the committed migrations (prisma/migrations, applied by src/db/migrate.ts) build the database
 * that prisma/schema.prisma describes. The test database of this file was made by migrate() from those
 * migrations (tests/setup/global-setup.ts), so a model or field added to the schema without a migration,
 * or a migration that drifts from the schema, fails here. The hand-written objects Prisma cannot express
 * (partial unique indexes, the AuditLog append-only trigger) are checked by behaviour.
 *
 * The generated client (prisma-client generator) exposes no Prisma.dmmf, so schema.prisma is parsed here;
 * the parse is cross-checked against the client's own model and field lists.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Prisma } from '../../src/generated/prisma/client';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate';

const SCHEMA_FILE = path.resolve(__dirname, '../../prisma/schema.prisma');

// ---------------------------------------------------------------------------------------------------
// A small reader of schema.prisma: models, fields, block attributes, enums.

interface FieldDef {
  name: string;
  column: string;
  type: string;
  list: boolean;
  optional: boolean;
  attrs: string;
}
interface ModelDef {
  name: string;
  table: string;
  fields: FieldDef[];
  blockAttrs: string[];
}
interface SchemaDef {
  models: ModelDef[];
  enums: Map<string, string[]>;
}

function stripComment(line: string): string {
  const t = line.trim();
  if (t.startsWith('//')) return '';
  // A trailing comment, unless the // sits inside a string.
  for (let i = 0, quotes = 0; i < t.length - 1; i++) {
    if (t[i] === '"') quotes++;
    if (t[i] === '/' && t[i + 1] === '/' && quotes % 2 === 0) return t.slice(0, i).trim();
  }
  return t;
}

const mapArg = (s: string): string | undefined => /(?:^|[\s,(])map:\s*"([^"]+)"/.exec(s)?.[1];

function parseSchema(text: string): SchemaDef {
  const blocks = [...text.matchAll(/^(model|enum|view|type)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const enums = new Map<string, string[]>();
  const models: ModelDef[] = [];
  for (const [, kind, name, body] of blocks) {
    const lines = body.split('\n').map(stripComment).filter(Boolean);
    if (kind === 'enum') {
      enums.set(
        name,
        lines.filter((l) => !l.startsWith('@@')).map((l) => l.split(/\s+/)[0]),
      );
      continue;
    }
    if (kind !== 'model') continue;
    const blockAttrs = lines.filter((l) => l.startsWith('@@'));
    const fields: FieldDef[] = [];
    for (const l of lines.filter((x) => !x.startsWith('@@'))) {
      const m = /^(\w+)\s+(Unsupported\("[^"]+"\)|\w+)(\[\])?(\?)?\s*(.*)$/.exec(l);
      if (!m) throw new Error(`schema.prisma: cannot read the field line "${l}" of ${name}`);
      const [, fname, type, list, optional, attrs] = m;
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? fname;
      fields.push({ name: fname, column, type, list: !!list, optional: !!optional, attrs });
    }
    const table = blockAttrs.map((a) => /^@@map\("([^"]+)"\)/.exec(a)?.[1]).find(Boolean) ?? name;
    models.push({ name, table, fields, blockAttrs });
  }
  return { models, enums };
}

const schema = parseSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
const modelNames = new Set(schema.models.map((m) => m.name));
const isRelation = (f: FieldDef) => modelNames.has(f.type);
const scalarFields = (m: ModelDef) => m.fields.filter((f) => !isRelation(f));
const columnOf = (m: ModelDef, field: string) => {
  const f = m.fields.find((x) => x.name === field);
  if (!f) throw new Error(`${m.name}: no field ${field}`);
  return f.column;
};
/** The field names in `[a, b(sort: Desc), c]` at the start of an attribute's arguments. */
const fieldList = (args: string) => {
  const inner = /\[([^\]]*)\]/.exec(args)?.[1] ?? '';
  return inner
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
};

/** The PostgreSQL type Prisma creates for a field, as information_schema shows it. */
interface ColType {
  dataType: string;
  udt?: string;
  precision?: number;
}
function expectedType(f: FieldDef): ColType | undefined {
  const unsupported = /^Unsupported\("([^"]+)"\)$/.exec(f.type)?.[1];
  if (unsupported) return { dataType: unsupported, udt: unsupported };
  if (schema.enums.has(f.type))
    return f.list ? { dataType: 'ARRAY', udt: `_${f.type}` } : { dataType: 'USER-DEFINED', udt: f.type };
  const native = /@db\.(\w+)(?:\(([^)]*)\))?/.exec(f.attrs);
  let t: ColType | undefined;
  if (native) {
    const [, n, arg] = native;
    const p = arg !== undefined && arg !== '' ? Number(arg) : undefined;
    t = (
      {
        Uuid: { dataType: 'uuid' },
        Text: { dataType: 'text' },
        VarChar: { dataType: 'character varying' },
        Char: { dataType: 'character' },
        Date: { dataType: 'date' },
        Timestamp: { dataType: 'timestamp without time zone', precision: p ?? 6 },
        Timestamptz: { dataType: 'timestamp with time zone', precision: p ?? 6 },
        Time: { dataType: 'time without time zone' },
        Integer: { dataType: 'integer' },
        SmallInt: { dataType: 'smallint' },
        BigInt: { dataType: 'bigint' },
        JsonB: { dataType: 'jsonb' },
        Json: { dataType: 'json' },
        Boolean: { dataType: 'boolean' },
        DoublePrecision: { dataType: 'double precision' },
        Real: { dataType: 'real' },
        Decimal: { dataType: 'numeric' },
        Inet: { dataType: 'inet' },
        ByteA: { dataType: 'bytea' },
        Citext: { dataType: 'USER-DEFINED', udt: 'citext' },
      } as Record<string, ColType>
    )[n];
  } else {
    t = (
      {
        String: { dataType: 'text' },
        Int: { dataType: 'integer' },
        BigInt: { dataType: 'bigint' },
        Boolean: { dataType: 'boolean' },
        DateTime: { dataType: 'timestamp without time zone', precision: 3 },
        Json: { dataType: 'jsonb' },
        Float: { dataType: 'double precision' },
        Decimal: { dataType: 'numeric' },
        Bytes: { dataType: 'bytea' },
      } as Record<string, ColType>
    )[f.type];
  }
  if (!t) return undefined;
  return f.list ? { dataType: 'ARRAY' } : t;
}

/** Whether the column has a database default: @default(…) except dbgenerated() with nothing in it. */
const hasDbDefault = (f: FieldDef) =>
  /@default\(/.test(f.attrs) && !/@default\(\s*dbgenerated\(\s*\)\s*\)/.test(f.attrs);

interface IndexDef {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
}
function expectedIndexes(): IndexDef[] {
  const out: IndexDef[] = [];
  for (const m of schema.models) {
    for (const f of scalarFields(m)) {
      if (/@id\b/.test(f.attrs))
        out.push({
          table: m.table,
          name: mapArg(/@id(\([^)]*\))?/.exec(f.attrs)![1] ?? '') ?? `${m.table}_pkey`,
          columns: [f.column],
          unique: true,
          primary: true,
        });
      const u = /@unique(\(([^)]*)\))?/.exec(f.attrs);
      if (u)
        out.push({
          table: m.table,
          name: mapArg(u[2] ?? '') ?? `${m.table}_${f.column}_key`,
          columns: [f.column],
          unique: true,
          primary: false,
        });
    }
    for (const a of m.blockAttrs) {
      const b = /^@@(id|unique|index)\((.*)\)\s*$/.exec(a);
      if (!b) continue;
      const [, kind, args] = b;
      const columns = fieldList(args).map((x) => columnOf(m, x));
      const suffix = kind === 'id' ? 'pkey' : kind === 'unique' ? 'key' : 'idx';
      const name = mapArg(args) ?? (kind === 'id' ? `${m.table}_pkey` : `${m.table}_${columns.join('_')}_${suffix}`);
      out.push({ table: m.table, name, columns, unique: kind !== 'index', primary: kind === 'id' });
    }
  }
  return out;
}

interface ForeignKeyDef {
  table: string;
  name: string;
  columns: string[];
  references: string;
}
function expectedForeignKeys(): ForeignKeyDef[] {
  const out: ForeignKeyDef[] = [];
  for (const m of schema.models) {
    for (const f of m.fields.filter(isRelation)) {
      const rel = /@relation\((.*)\)/.exec(f.attrs)?.[1];
      if (!rel || !/fields:\s*\[/.test(rel)) continue; // the other side of the relation
      const columns = fieldList(rel.slice(rel.indexOf('fields:'))).map((x) => columnOf(m, x));
      const target = schema.models.find((x) => x.name === f.type)!;
      out.push({
        table: m.table,
        name: mapArg(rel) ?? `${m.table}_${columns.join('_')}_fkey`,
        columns,
        references: target.table,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

async function q<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  datetime_precision: number | null;
}
async function dbColumns(): Promise<Map<string, Map<string, DbColumn>>> {
  const rows = await q<DbColumn>(`
    SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.column_default, c.datetime_precision
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema = current_schema()`);
  const out = new Map<string, Map<string, DbColumn>>();
  for (const r of rows) {
    if (!out.has(r.table_name)) out.set(r.table_name, new Map());
    out.get(r.table_name)!.set(r.column_name, r);
  }
  return out;
}

const migrationDirs = () =>
  fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(MIGRATIONS_DIR, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();

describe('the schema reader', () => {
  it('reads the same models and scalar fields as the generated Prisma client', () => {
    const dmmf = (
      Prisma as unknown as {
        dmmf?: { datamodel: { models: { name: string; fields: { name: string; kind: string }[] }[] } };
      }
    ).dmmf;
    if (dmmf) {
      const fromDmmf = Object.fromEntries(
        dmmf.datamodel.models.map((m) => [
          m.name,
          m.fields
            .filter((f) => f.kind !== 'object')
            .map((f) => f.name)
            .sort(),
        ]),
      );
      expect(
        Object.fromEntries(
          schema.models.map((m) => [
            m.name,
            scalarFields(m)
              .map((f) => f.name)
              .sort(),
          ]),
        ),
      ).toEqual(fromDmmf);
      return;
    }
    expect(schema.models.map((m) => m.name).sort()).toEqual(Object.values(Prisma.ModelName).sort());
    const ns = Prisma as unknown as Record<string, Record<string, string> | undefined>;
    for (const m of schema.models) {
      const fromClient = ns[`${m.name}ScalarFieldEnum`];
      // Unsupported("…") columns exist in the database only; the client leaves them out.
      const clientFields = scalarFields(m)
        .filter((f) => !f.type.startsWith('Unsupported('))
        .map((f) => f.name)
        .sort();
      expect({ model: m.name, fields: clientFields }).toEqual({
        model: m.name,
        fields: Object.values(fromClient ?? {}).sort(),
      });
    }
  });

  it('finds a sensible schema (models, enums, mapped table)', () => {
    expect(modelNames.has('Member')).toBe(true);
    expect(schema.models.find((m) => m.name === 'Session')!.table).toBe('session');
    expect(schema.enums.get('Category')).toEqual(['WORKING', 'STUDENT', 'PENSIONER']);
    expect(expectedIndexes().length).toBeGreaterThan(schema.models.length);
    expect(expectedForeignKeys().length).toBeGreaterThan(5);
  });
});

describe('the migrated database matches prisma/schema.prisma', () => {
  it('has a table for every model and no table the schema does not know', async () => {
    const cols = await dbColumns();
    const dbTables = [...cols.keys()].filter((t) => t !== '_prisma_migrations').sort();
    expect(dbTables).toEqual(schema.models.map((m) => m.table).sort());
  });

  it('has every column of every model, with its type, nullability and default, and no column the schema lacks', async () => {
    const cols = await dbColumns();
    const problems: string[] = [];
    for (const m of schema.models) {
      const table = cols.get(m.table);
      if (!table) {
        problems.push(`table "${m.table}" is missing`);
        continue;
      }
      const expectedCols = scalarFields(m);
      for (const f of expectedCols) {
        const c = table.get(f.column);
        const where = `"${m.table}"."${f.column}"`;
        if (!c) {
          problems.push(`${where} is missing`);
          continue;
        }
        const nullable = f.optional ? 'YES' : 'NO';
        if (c.is_nullable !== nullable) problems.push(`${where} nullable ${c.is_nullable}, schema says ${nullable}`);
        const t = expectedType(f);
        if (!t) problems.push(`${where}: the test does not know the type ${f.type} ${f.attrs}`);
        else {
          if (c.data_type !== t.dataType) problems.push(`${where} is ${c.data_type}, schema says ${t.dataType}`);
          if (t.udt && c.udt_name !== t.udt) problems.push(`${where} is of type ${c.udt_name}, schema says ${t.udt}`);
          if (t.precision !== undefined && c.datetime_precision !== t.precision)
            problems.push(`${where} has precision ${c.datetime_precision}, schema says ${t.precision}`);
        }
        if (hasDbDefault(f) !== (c.column_default !== null))
          problems.push(
            `${where} default ${c.column_default ?? 'none'}, schema ${hasDbDefault(f) ? 'has one' : 'has none'}`,
          );
      }
      const known = new Set(expectedCols.map((f) => f.column));
      for (const name of table.keys())
        if (!known.has(name)) problems.push(`"${m.table}"."${name}" is not in the schema`);
    }
    expect(problems).toEqual([]);
  });

  it('has every enum of the schema with the same values in the same order', async () => {
    const rows = await q<{ name: string; labels: string[] }>(`
      SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema() GROUP BY t.typname`);
    expect(Object.fromEntries(rows.map((r) => [r.name, r.labels]))).toEqual(Object.fromEntries(schema.enums));
  });

  it('has every primary key, unique and plain index of the schema on the right columns', async () => {
    const rows = await q<{
      index: string;
      table: string;
      unique: boolean;
      primary: boolean;
      partial: boolean;
      columns: string[];
    }>(`
      SELECT c.relname::text AS index, t.relname::text AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
             ix.indpred IS NOT NULL AS partial,
             (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
      FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()`);
    const byName = new Map(rows.map((r) => [`${r.table}.${r.index}`, r]));
    const problems: string[] = [];
    for (const e of expectedIndexes()) {
      const r = byName.get(`${e.table}.${e.name}`);
      if (!r) {
        problems.push(`index "${e.name}" on "${e.table}" is missing`);
        continue;
      }
      if (JSON.stringify(r.columns) !== JSON.stringify(e.columns))
        problems.push(`index "${e.name}" is on (${r.columns.join(',')}), schema says (${e.columns.join(',')})`);
      if (r.unique !== e.unique) problems.push(`index "${e.name}" unique=${r.unique}, schema says ${e.unique}`);
      if (r.primary !== e.primary) problems.push(`index "${e.name}" primary=${r.primary}, schema says ${e.primary}`);
      if (r.partial) problems.push(`index "${e.name}" is partial, but the schema's is not`);
    }
    expect(problems).toEqual([]);
  });

  it('has every foreign key of the schema', async () => {
    const rows = await q<{ name: string; table: string; columns: string[]; references: string }>(`
      SELECT con.conname::text AS name, t.relname::text AS table, r.relname::text AS references,
             (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns
      FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE con.contype = 'f' AND n.nspname = current_schema()`);
    const byName = new Map(rows.map((r) => [`${r.table}.${r.name}`, r]));
    const problems: string[] = [];
    for (const e of expectedForeignKeys()) {
      const r = byName.get(`${e.table}.${e.name}`);
      if (!r) {
        problems.push(`foreign key "${e.name}" on "${e.table}" is missing`);
        continue;
      }
      if (JSON.stringify(r.columns) !== JSON.stringify(e.columns) || r.references !== e.references) {
        problems.push(
          `foreign key "${e.name}" is (${r.columns.join(',')}) → ${r.references}, schema says (${e.columns.join(',')}) → ${e.references}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('hand-written objects of the migrations', () => {
  async function indexInfo(name: string) {
    const rows = await q<{ table: string; unique: boolean; columns: string[]; predicate: string | null }>(
      `
      SELECT t.relname::text AS table, ix.indisunique AS unique, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
             (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
      FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
      WHERE c.relname = $1`,
      [name],
    );
    return rows[0];
  }

  it('Member_one_active_per_person is a unique index on personId over active members only', async () => {
    const i = await indexInfo('Member_one_active_per_person');
    expect(i).toMatchObject({ table: 'Member', unique: true, columns: ['personId'] });
    expect(i.predicate).toMatch(/status.*=.*'ACTIVE'/);
  });

  it('Person_snils_key is a unique index on snils where it is given', async () => {
    const i = await indexInfo('Person_snils_key');
    expect(i).toMatchObject({ table: 'Person', unique: true, columns: ['snils'] });
    expect(i.predicate).toMatch(/snils.*IS NOT NULL/);
  });

  it('Registration_one_open_per_member is a unique index on memberId over open periods', async () => {
    const i = await indexInfo('Registration_one_open_per_member');
    expect(i).toMatchObject({ table: 'Registration', unique: true, columns: ['memberId'] });
    expect(i.predicate).toMatch(/"validTo" IS NULL/);
  });

  it('AuditLog is append-only: INSERT works, UPDATE, DELETE and TRUNCATE raise and change nothing', async () => {
    const [row] = await q<{ id: string }>(
      `INSERT INTO "AuditLog" (action, outcome) VALUES ('login', 'OK') RETURNING id::text`,
    );
    await expect(client.query(`UPDATE "AuditLog" SET outcome = 'DENIED' WHERE id = $1`, [row.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(client.query(`DELETE FROM "AuditLog" WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(client.query(`TRUNCATE "AuditLog"`)).rejects.toThrow(/append-only/);
    const after = await q<{ outcome: string }>(`SELECT outcome FROM "AuditLog" WHERE id = $1`, [row.id]);
    expect(after).toEqual([{ outcome: 'OK' }]);
  });

  it('AuditLog refuses UPDATE through Prisma too', async () => {
    const { db, disconnectDb } = await import('../../src/db');
    try {
      const row = await db().auditLog.create({ data: { action: 'logout' } });
      await expect(db().auditLog.update({ where: { id: row.id }, data: { outcome: 'FAILED' } })).rejects.toThrow(
        /append-only/,
      );
      await expect(db().auditLog.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
      expect((await db().auditLog.findUniqueOrThrow({ where: { id: row.id } })).outcome).toBe('OK');
    } finally {
      await disconnectDb();
    }
  });
});

describe('migrate()', () => {
  it('recorded every migration directory in _prisma_migrations with its checksum', async () => {
    const rows = await q<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
    );
    const expected = migrationDirs().map((name) => ({
      migration_name: name,
      checksum: crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8'))
        .digest('hex'),
    }));
    expect(rows).toEqual(expected);
  });

  it('names migration directories so that they sort in the order they were made', () => {
    for (const name of migrationDirs()) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });

  it('applies nothing when run a second time on the migrated database', async () => {
    const logs: string[] = [];
    await expect(migrate(process.env.DATABASE_URL!, (m) => logs.push(m))).resolves.toEqual([]);
    expect(logs).toEqual([]); // not even a warning that an applied migration was edited
  });

  it('on an empty database applies every migration in order, then nothing the second time', async () => {
    const adminUrl = process.env.REESTR_TEST_ADMIN_URL;
    if (!adminUrl) throw new Error('REESTR_TEST_ADMIN_URL is not set (tests/setup/global-setup.ts sets it)');
    const name = `reestr_test_mig_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      expect(await migrate(u.toString())).toEqual(migrationDirs());
      expect(await migrate(u.toString())).toEqual([]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
