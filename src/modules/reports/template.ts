import { z } from 'zod';
import { FormulaError, evaluate, parseFormula, refsOf, type Value } from './formula';
import { INDICATORS } from './indicators';

/**
 * A statistical form as data. Nothing about a particular form lives in the code: the union can load its
 * real blanks (JSON or YAML) later. Every cell is one of:
 *   {indicator: "<name>"}  computed from the registry (see indicators.ts), summed up the tree;
 *   {entered: true}        typed by the chair (e.g. the institution's employees), summed up the tree;
 *   {formula: "<expr>"}    computed from other cells of the same form, recomputed from sums at every level.
 */
const code = z.string().regex(/^[A-Za-z0-9_]{1,12}$/, { message: 'Код строки: латинские буквы, цифры, _' });
const colCode = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, { message: 'Код графы: начинается с латинской буквы' });
const cell = z.union([
  z.object({ indicator: z.string() }).strict(),
  z.object({ entered: z.literal(true), max: z.number().optional() }).strict(),
  z.object({ formula: z.string() }).strict(),
]);
export const definitionSchema = z.object({
  code: z.string().min(1).max(20),
  title: z.string().min(1).max(300),
  level: z.enum(['PRIMARY', 'TERRITORIAL', 'REGIONAL', 'CENTRAL']),
  appliesTo: z
    .object({ hasTerritorialRights: z.boolean().optional(), institutionTypes: z.array(z.string()).optional() })
    .optional(),
  columns: z.array(z.object({ code: colCode, title: z.string() })).min(1),
  sections: z
    .array(
      z.object({
        title: z.string(),
        rows: z.array(z.object({ code, title: z.string(), cells: z.record(colCode, cell) })).min(1),
      }),
    )
    .min(1),
  checks: z.array(z.object({ rule: z.string(), message: z.string() })).default([]),
});
export type Definition = z.infer<typeof definitionSchema>;
export type Cell = z.infer<typeof cell>;
export type Values = Record<string, Value>; // key "ROW.COL"

export const key = (row: string, col: string) => `${row}.${col}`;

/** Validates a definition: shape, unique codes, known indicators, formulas that parse, refer to real cells and do not loop. */
export function validateDefinition(raw: unknown): { ok: true; def: Definition } | { ok: false; errors: string[] } {
  const parsed = definitionSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const def = parsed.data;
  const errors: string[] = [];
  const cols = new Set(def.columns.map((c) => c.code));
  if (cols.size !== def.columns.length) errors.push('Коды граф повторяются');
  const cells = new Map<string, Cell>();
  const rowCodes = new Set<string>();
  for (const s of def.sections)
    for (const r of s.rows) {
      if (rowCodes.has(r.code)) errors.push(`Строка ${r.code} повторяется`);
      rowCodes.add(r.code);
      for (const [c, v] of Object.entries(r.cells)) {
        if (!cols.has(c)) errors.push(`Строка ${r.code}: неизвестная графа ${c}`);
        cells.set(key(r.code, c), v);
      }
    }
  const deps = new Map<string, string[]>();
  for (const [k, v] of cells) {
    if ('indicator' in v && !INDICATORS[v.indicator]) errors.push(`${k}: неизвестный показатель «${v.indicator}»`);
    if ('formula' in v) {
      try {
        const refs = refsOf(parseFormula(v.formula)).map((r) => key(r.row, r.col));
        for (const r of refs) if (!cells.has(r)) errors.push(`${k}: формула ссылается на несуществующую ячейку ${r}`);
        deps.set(k, refs);
      } catch (e) {
        errors.push(`${k}: ${(e as Error).message}`);
      }
    }
  }
  for (const ch of def.checks) {
    try {
      for (const r of refsOf(parseFormula(ch.rule)))
        if (!cells.has(key(r.row, r.col))) errors.push(`Проверка «${ch.rule}»: нет ячейки ${key(r.row, r.col)}`);
    } catch (e) {
      errors.push(`Проверка: ${(e as Error).message}`);
    }
  }
  // Cycles among formulas.
  const state = new Map<string, 1 | 2>();
  const visit = (k: string, trail: string[]) => {
    if (state.get(k) === 2) return;
    if (state.get(k) === 1) {
      errors.push(`Формулы образуют цикл: ${[...trail, k].join(' → ')}`);
      return;
    }
    state.set(k, 1);
    for (const d of deps.get(k) ?? []) visit(d, [...trail, k]);
    state.set(k, 2);
  };
  for (const k of deps.keys()) visit(k, []);
  return errors.length ? { ok: false, errors: [...new Set(errors)] } : { ok: true, def };
}

export function cellsOf(def: Definition): [string, string, string, Cell][] {
  return def.sections.flatMap((s) =>
    s.rows.flatMap((r) =>
      Object.entries(r.cells).map(([c, v]) => [key(r.code, c), r.code, c, v] as [string, string, string, Cell]),
    ),
  );
}

/**
 * Fills a form: `base` gives the non-formula cells (indicators and entered values, already summed where the
 * form consolidates); formulas are then computed from them, in dependency order.
 */
export function fill(def: Definition, base: Values): Values {
  const out: Values = {};
  const formulas = new Map<string, ReturnType<typeof parseFormula>>();
  for (const [k, , , c] of cellsOf(def)) {
    if ('formula' in c) formulas.set(k, parseFormula(c.formula));
    else out[k] = base[k] ?? null;
  }
  const resolving = new Set<string>();
  const get = (row: string, col: string): Value => {
    const k = key(row, col);
    if (k in out) return out[k];
    const f = formulas.get(k);
    if (!f || resolving.has(k)) return null;
    resolving.add(k);
    out[k] = evaluate(f, get);
    resolving.delete(k);
    return out[k];
  };
  for (const k of formulas.keys()) {
    const [r, c] = k.split('.');
    get(r, c);
  }
  return out;
}

/** The failed checks of a filled form, with their Russian messages. */
export function failedChecks(def: Definition, values: Values): string[] {
  return def.checks
    .filter((ch) => {
      const v = evaluate(parseFormula(ch.rule), (r, c) => values[key(r, c)] ?? null);
      return v === 0;
    })
    .map((ch) => ch.message);
}

export { FormulaError };
