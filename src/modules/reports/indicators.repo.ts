import { readPool } from '../../db';
import type { IndicatorValues } from './indicators';
import {
  grouping,
  MEMBERS_PER_UNIT_SQL,
  MEMBERS_TOTAL_SQL,
  MOVEMENTS_SQL,
  ORGANISATIONS_SQL,
  POSITIONS_SQL,
  scopeWhere,
  type Scope,
} from './indicators.sql';

export type { Scope } from './indicators.sql';

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/**
 * Own-part indicators of every reporting unit in the scope, as of a date: four aggregate queries in SQL
 * (members with their cards, movements of the year before the date, organisations, positions), whatever the size.
 * Raw SQL with the scope and the date bound as parameters. Read from the replica when there is one (readPool): a
 * report being submitted is a POST, whose reads stay on the primary.
 */
export async function unitIndicators(
  scope: Scope,
  asOf: string,
  opts: { total?: boolean } = {},
): Promise<Map<string, IndicatorValues>> {
  const w = scopeWhere(scope, 'o');
  // Per unit, or (for a subtree's total) one row: the sums are made in SQL, not in Node.
  const g = grouping(!!opts.total);
  const q = async (sql: string) => (await readPool().query(sql, [asOf, w.param])).rows as Record<string, unknown>[];
  const [members, moves, orgs, positions] = await Promise.all([
    // Members, card holders and small primary organisations in one pass over the registrations: for each
    // organisation in scope, an index-only range of Registration_asof_idx (it covers category, gender, birth date
    // and card periods, copies kept by triggers), counted per organisation in index order; then per reporting unit.
    q(opts.total ? MEMBERS_TOTAL_SQL(w.sql) : MEMBERS_PER_UNIT_SQL(w.sql)),
    q(MOVEMENTS_SQL(w.sql, g)),
    q(ORGANISATIONS_SQL(w.sql, g)),
    q(POSITIONS_SQL(w.sql, g)),
  ]);
  const out = new Map<string, IndicatorValues>();
  for (const set of [members, moves, orgs, positions]) {
    for (const row of set) {
      const unit = String(row.unit);
      const v = out.get(unit) ?? {};
      for (const [k, x] of Object.entries(row)) if (k !== 'unit') v[k] = num(x);
      out.set(unit, v);
    }
  }
  return out;
}
