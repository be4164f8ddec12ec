import fs from 'node:fs';
import path from 'node:path';
import { useDb } from '../helpers';
import { FormulaError, evaluate, parseFormula, pct, refsOf, type Value } from '../../src/modules/reports/formula';
import { failedChecks, fill, validateDefinition, type Definition } from '../../src/modules/reports/template';
import { TEMPLATES_DIR, activeTemplates, loadShippedTemplates } from '../../src/modules/reports/reports.repo';

useDb();

/** Evaluates a formula over a table of cells "ROW.COL" → value (missing = empty). */
const calc = (src: string, cells: Record<string, Value> = {}) =>
  evaluate(parseFormula(src), (r, c) => cells[`${r}.${c}`] ?? null);

describe('formula language', () => {
  it('applies * and / before + and -, left to right, with parentheses overriding', () => {
    expect(calc('1 + 2 * 3')).toBe(7);
    expect(calc('(1 + 2) * 3')).toBe(9);
    expect(calc('10 - 2 - 3')).toBe(5);
    expect(calc('8 / 2 / 2')).toBe(2);
    expect(calc('2 * 3 - 4 / 2')).toBe(4);
    expect(calc('-2 * 3 + 10')).toBe(4);
    expect(calc('2 * -3')).toBe(-6);
    expect(calc('1.5 * 4')).toBe(6);
  });

  it('evaluates comparisons after arithmetic, as 1 (true) or 0 (false)', () => {
    expect(calc('1 + 2 < 4')).toBe(1);
    expect(calc('1 + 2 > 4')).toBe(0);
    expect(calc('3 <= 3')).toBe(1);
    expect(calc('3 >= 4')).toBe(0);
    expect(calc('02.v == 01.v + 1', { '01.v': 4, '02.v': 5 })).toBe(1);
    expect(calc('02.v != 5', { '02.v': 5 })).toBe(0);
  });

  it('reads cell references ROW.COL, including row codes that start with digits and hold letters', () => {
    const cells = { '01.v': 10, '4B.v': 3, '2a.total': 7 };
    expect(calc('01.v + 4B.v + 2a.total', cells)).toBe(20);
    expect(refsOf(parseFormula('pct(02.v, 01.v) + 4B.v'))).toEqual([
      { row: '02', col: 'v' },
      { row: '01', col: 'v' },
      { row: '4B', col: 'v' },
    ]);
  });

  it('rounds pct half up to one decimal', () => {
    expect(pct(1, 16)).toBe(6.3); // 6.25
    expect(pct(3, 16)).toBe(18.8); // 18.75
    expect(pct(7, 16)).toBe(43.8); // 43.75
    expect(pct(1, 80)).toBe(1.3); // 1.25
    expect(pct(1, 3)).toBe(33.3);
    expect(pct(2, 3)).toBe(66.7);
    expect(pct(3, 14)).toBe(21.4);
    expect(pct(40, 40)).toBe(100);
    expect(calc('pct(02.v, 01.v)', { '01.v': 16, '02.v': 1 })).toBe(6.3);
  });

  it('gives an empty pct when the base is empty or zero', () => {
    expect(pct(5, 0)).toBeNull();
    expect(pct(5, null)).toBeNull();
    expect(pct(null, 5)).toBeNull();
    expect(calc('pct(02.v, 01.v)', { '02.v': 3 })).toBeNull();
    expect(calc('pct(02.v, 01.v)', { '02.v': 3, '01.v': 0 })).toBeNull();
  });

  it('propagates an empty cell through arithmetic, comparisons, min, max and round', () => {
    expect(calc('01.v + 1')).toBeNull();
    expect(calc('2 * 01.v')).toBeNull();
    expect(calc('-01.v')).toBeNull();
    expect(calc('01.v <= 5')).toBeNull();
    expect(calc('min(01.v, 3)')).toBeNull();
    expect(calc('max(3, 01.v)')).toBeNull();
    expect(calc('round(01.v, 1)')).toBeNull();
    expect(calc('if(01.v, 1, 2)')).toBeNull();
  });

  it('treats an empty cell as 0 inside sum()', () => {
    expect(calc('sum(01.v, 02.v, 03.v)', { '01.v': 2, '03.v': 5 })).toBe(7);
    expect(calc('sum(01.v)')).toBe(0);
    expect(calc('sum(01.v, 02.v) + 1', { '02.v': 4 })).toBe(5);
  });

  it('answers an empty value for a division by zero', () => {
    expect(calc('5 / 0')).toBeNull();
    expect(calc('01.v / 02.v', { '01.v': 5, '02.v': 0 })).toBeNull();
    expect(calc('0 / 5')).toBe(0);
    expect(calc('1 + 5 / 0')).toBeNull();
  });

  it('computes min, max, round (half up) and if (only the branch taken)', () => {
    expect(calc('min(4, 2, 9)')).toBe(2);
    expect(calc('max(4, 2, 9)')).toBe(9);
    expect(calc('round(2.345, 2)')).toBe(2.35);
    expect(calc('round(2.5)')).toBe(3);
    expect(calc('round(2.25, 1)')).toBe(2.3);
    expect(calc('if(3 > 2, 10, 20)')).toBe(10);
    expect(calc('if(3 < 2, 10, 20)')).toBe(20);
    expect(calc('if(1, 7, 01.v)')).toBe(7);
  });

  it.each([
    ['1 +', 'a formula that stops short'],
    ['(1 + 2', 'an unclosed parenthesis'],
    ['1 2', 'two values without an operator'],
    ['foo(1)', 'an unknown function'],
    ['process', 'a bare name'],
    ['1 ; 2', 'a character outside the language'],
    ['01.v = 2', 'a single = (not a comparison)'],
    ['constructor(1)', 'an Object.prototype name used as a function'],
  ])('refuses %p (%s) with a FormulaError in Russian', (src) => {
    let err: unknown;
    try {
      parseFormula(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormulaError);
    expect((err as Error).message).toMatch(/[А-Яа-я]/);
  });
});

/** A small valid definition to break one piece at a time. */
function sample(): Definition {
  return {
    code: 'T1',
    title: 'Тестовая форма',
    level: 'PRIMARY',
    columns: [{ code: 'v', title: 'Значение' }],
    sections: [
      {
        title: 'I',
        rows: [
          { code: '01', title: 'Работников', cells: { v: { entered: true } } },
          { code: '02', title: 'Членов', cells: { v: { indicator: 'members_working' } } },
          { code: '03', title: 'Охват, %', cells: { v: { formula: 'pct(02.v, 01.v)' } } },
        ],
      },
    ],
    checks: [{ rule: '02.v <= 01.v', message: 'Членов больше, чем работников' }],
  };
}
const errorsOf = (raw: unknown) => {
  const v = validateDefinition(raw);
  return v.ok ? [] : v.errors;
};

describe('validateDefinition', () => {
  it('accepts a well-formed definition', () => {
    expect(validateDefinition(sample()).ok).toBe(true);
  });

  it('refuses an unknown indicator, naming it', () => {
    const d = sample();
    d.sections[0].rows[1].cells.v = { indicator: 'members_martians' };
    const errors = errorsOf(d);
    expect(errors.join('\n')).toMatch(/02\.v: неизвестный показатель «members_martians»/);
  });

  it('refuses a formula that refers to a missing cell (no such row, or no such column in a row)', () => {
    const d = sample();
    d.sections[0].rows[2].cells.v = { formula: 'pct(02.v, 09.v)' };
    expect(errorsOf(d).join('\n')).toMatch(/03\.v: формула ссылается на несуществующую ячейку 09\.v/);
    const e = sample();
    e.columns.push({ code: 'w', title: 'Другая' });
    e.sections[0].rows[2].cells.v = { formula: '02.w + 1' };
    expect(errorsOf(e).join('\n')).toMatch(/несуществующую ячейку 02\.w/);
  });

  it('refuses a check that refers to a missing cell', () => {
    const d = sample();
    d.checks = [{ rule: '02.v <= 77.v', message: 'x' }];
    expect(errorsOf(d).join('\n')).toMatch(/77\.v/);
  });

  it('refuses a formula that does not parse', () => {
    const d = sample();
    d.sections[0].rows[2].cells.v = { formula: 'pct(02.v, ' };
    expect(errorsOf(d).length).toBeGreaterThan(0);
  });

  it('refuses a cycle between formulas, and a formula referring to itself', () => {
    const d = sample();
    d.sections[0].rows.push(
      { code: '04', title: 'A', cells: { v: { formula: '05.v + 1' } } },
      { code: '05', title: 'B', cells: { v: { formula: '06.v * 2' } } },
      { code: '06', title: 'C', cells: { v: { formula: '04.v - 1' } } },
    );
    expect(errorsOf(d).join('\n')).toMatch(/цикл/);
    const s = sample();
    s.sections[0].rows[2].cells.v = { formula: '03.v + 02.v' };
    expect(errorsOf(s).join('\n')).toMatch(/цикл/);
  });

  it('refuses duplicate row codes, within a section and across sections', () => {
    const d = sample();
    d.sections[0].rows.push({ code: '02', title: 'Снова 02', cells: { v: { indicator: 'members_total' } } });
    expect(errorsOf(d).join('\n')).toMatch(/Строка 02 повторяется/);
    const e = sample();
    e.sections.push({ title: 'II', rows: [{ code: '01', title: 'Снова 01', cells: { v: { entered: true } } }] });
    expect(errorsOf(e).join('\n')).toMatch(/Строка 01 повторяется/);
  });

  it('refuses a duplicate row code even when the first row with that code has no cells (a heading row)', () => {
    const d = sample();
    d.sections[0].rows.unshift({ code: '09', title: 'в том числе:', cells: {} });
    d.sections[0].rows.push({ code: '09', title: 'Снова 09', cells: { v: { indicator: 'members_total' } } });
    expect(errorsOf(d).join('\n')).toMatch(/09/);
  });

  it('refuses bad column codes: starting with a digit, Cyrillic, a cell under an undeclared column', () => {
    const d = sample();
    d.columns = [{ code: '1v', title: 'x' }];
    expect(errorsOf(d).length).toBeGreaterThan(0);
    const e = sample();
    e.columns = [{ code: 'знач', title: 'x' }];
    expect(errorsOf(e).length).toBeGreaterThan(0);
    const f = sample();
    f.sections[0].rows[1].cells = { v: { indicator: 'members_working' }, total: { indicator: 'members_total' } };
    expect(errorsOf(f).join('\n')).toMatch(/Строка 02: неизвестная графа total/);
  });

  it('refuses duplicate column codes', () => {
    const d = sample();
    d.columns = [
      { code: 'v', title: 'Значение' },
      { code: 'v', title: 'Ещё раз' },
    ];
    expect(validateDefinition(d).ok).toBe(false);
  });

  it('refuses bad row codes and a cell that is neither an indicator, a formula nor entered', () => {
    const d = sample();
    d.sections[0].rows[0].code = '0 1';
    expect(validateDefinition(d).ok).toBe(false);
    const e = sample() as unknown as { sections: { rows: { cells: Record<string, unknown> }[] }[] };
    e.sections[0].rows[0].cells.v = { sql: 'SELECT 1' };
    expect(validateDefinition(e).ok).toBe(false);
  });

  it('lists every error at once', () => {
    const d = sample();
    d.sections[0].rows[1].cells.v = { indicator: 'nope' };
    d.sections[0].rows[2].cells.v = { formula: 'pct(02.v, 99.v)' };
    const errors = errorsOf(d);
    expect(errors.some((e) => e.includes('nope'))).toBe(true);
    expect(errors.some((e) => e.includes('99.v'))).toBe(true);
  });
});

describe('fill and failedChecks', () => {
  it('computes formulas from the base cells whatever their order in the form (a formula using another formula)', () => {
    const d = sample();
    d.sections[0].rows.unshift({ code: '00', title: 'Двойной охват', cells: { v: { formula: '03.v * 2' } } });
    const v = fill(d, { '01.v': 16, '02.v': 1 });
    expect(v['03.v']).toBe(6.3);
    expect(v['00.v']).toBe(12.6);
  });

  it('ignores formula values passed in the base (formulas are always recomputed)', () => {
    const v = fill(sample(), { '01.v': 10, '02.v': 5, '03.v': 99 });
    expect(v['03.v']).toBe(50);
  });

  it("reports a failed check's message, and none when the check holds", () => {
    const d = sample();
    expect(failedChecks(d, fill(d, { '01.v': 3, '02.v': 5 }))).toEqual(['Членов больше, чем работников']);
    expect(failedChecks(d, fill(d, { '01.v': 5, '02.v': 5 }))).toEqual([]);
  });
});

describe('shipped templates', () => {
  const files = fs.readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json'));

  it('ships 5SP, 3SP, 4SP, 2SP, 1SP and UNION', () => {
    const codes = files.map((f) => JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, f), 'utf8')).code).sort();
    expect(codes).toEqual(['1SP', '2SP', '3SP', '4SP', '5SP', 'UNION']);
  });

  it.each(fs.readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json')))('%s validates', (f) => {
    const v = validateDefinition(JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, f), 'utf8')));
    expect(v.ok ? [] : v.errors).toEqual([]);
  });

  it('loads each shipped template once into the database, as version 1', async () => {
    const first = await loadShippedTemplates();
    expect(first.sort()).toEqual(['1SP', '2SP', '3SP', '4SP', '5SP', 'UNION']);
    expect(await loadShippedTemplates()).toEqual([]);
    const active = await activeTemplates();
    expect(active.map((t) => [t.code, t.version])).toEqual(
      expect.arrayContaining([
        ['5SP', 1],
        ['UNION', 1],
      ]),
    );
    expect(active).toHaveLength(6);
  });
});
