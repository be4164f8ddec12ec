/**
 * A small, safe expression language for form cells and checks (no eval):
 *   numbers, cell references ROW.COL (e.g. 01.value, 2a.total), + - * / ( ),
 *   comparisons < <= > >= == !=, and functions pct(a, b), sum(a, ...), min, max, round(x, digits), if(cond, a, b).
 * A reference to an empty cell makes the result empty (null), except inside sum(), where empty counts as 0.
 */
export type Value = number | null;
type Node =
  | { t: 'num'; v: number }
  | { t: 'ref'; row: string; col: string }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'neg'; a: Node }
  | { t: 'call'; fn: string; args: Node[] };

const FUNCS = new Set(['pct', 'sum', 'min', 'max', 'round', 'if']);

export class FormulaError extends Error {}

function tokenize(src: string): string[] {
  const re = /\s*(\d+(?:\.\d+)?(?![\w.])|[A-Za-zА-Яа-я0-9_]+\.[A-Za-z0-9_]+|[A-Za-z_]+|<=|>=|==|!=|[-+*/(),<>])/y;
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    if (/^\s+$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new FormulaError(`Непонятный символ в формуле «${src}» на позиции ${i + 1}`);
    out.push(m[1]);
    i = re.lastIndex;
  }
  return out;
}

export function parseFormula(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const eat = (t?: string) => {
    const x = toks[p++];
    if (t && x !== t) throw new FormulaError(`В формуле «${src}» ожидалось «${t}»`);
    if (x === undefined) throw new FormulaError(`Формула «${src}» оборвана`);
    return x;
  };
  const cmp = (): Node => {
    let a = add();
    while (['<', '<=', '>', '>=', '==', '!='].includes(peek())) {
      const op = eat();
      a = { t: 'bin', op, a, b: add() };
    }
    return a;
  };
  const add = (): Node => {
    let a = mul();
    while (peek() === '+' || peek() === '-') {
      const op = eat();
      a = { t: 'bin', op, a, b: mul() };
    }
    return a;
  };
  const mul = (): Node => {
    let a = unary();
    while (peek() === '*' || peek() === '/') {
      const op = eat();
      a = { t: 'bin', op, a, b: unary() };
    }
    return a;
  };
  const unary = (): Node => (peek() === '-' ? (eat(), { t: 'neg', a: unary() }) : atom());
  const atom = (): Node => {
    const x = eat();
    if (x === '(') {
      const e = cmp();
      eat(')');
      return e;
    }
    if (/^\d+(\.\d+)?$/.test(x)) return { t: 'num', v: Number(x) };
    if (x.includes('.')) {
      const [row, col] = x.split('.');
      return { t: 'ref', row, col };
    }
    if (FUNCS.has(x)) {
      eat('(');
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(cmp());
        while (peek() === ',') {
          eat(',');
          args.push(cmp());
        }
      }
      eat(')');
      return { t: 'call', fn: x, args };
    }
    throw new FormulaError(`Неизвестное имя «${x}» в формуле «${src}»`);
  };
  const tree = cmp();
  if (p !== toks.length) throw new FormulaError(`Лишнее в формуле «${src}»: «${toks.slice(p).join(' ')}»`);
  return tree;
}

export function refsOf(n: Node): { row: string; col: string }[] {
  switch (n.t) {
    case 'ref':
      return [{ row: n.row, col: n.col }];
    case 'bin':
      return [...refsOf(n.a), ...refsOf(n.b)];
    case 'neg':
      return refsOf(n.a);
    case 'call':
      return n.args.flatMap(refsOf);
    default:
      return [];
  }
}

/** Percent rounded half up to one decimal; null when the base is empty or zero. */
export function pct(a: Value, b: Value): Value {
  if (a === null || b === null || b === 0) return null;
  return Math.round((a * 1000) / b + 1e-9) / 10;
}

export function evaluate(n: Node, get: (row: string, col: string) => Value): Value {
  switch (n.t) {
    case 'num':
      return n.v;
    case 'ref':
      return get(n.row, n.col);
    case 'neg': {
      const a = evaluate(n.a, get);
      return a === null ? null : -a;
    }
    case 'bin': {
      const a = evaluate(n.a, get);
      const b = evaluate(n.b, get);
      if (a === null || b === null) return null;
      switch (n.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? null : a / b;
        case '<':
          return a < b ? 1 : 0;
        case '<=':
          return a <= b ? 1 : 0;
        case '>':
          return a > b ? 1 : 0;
        case '>=':
          return a >= b ? 1 : 0;
        case '==':
          return Math.abs(a - b) < 1e-9 ? 1 : 0;
        case '!=':
          return Math.abs(a - b) >= 1e-9 ? 1 : 0;
        default:
          return null;
      }
    }
    case 'call': {
      if (n.fn === 'sum') return n.args.reduce<number>((s, x) => s + (evaluate(x, get) ?? 0), 0);
      if (n.fn === 'if') {
        const c = evaluate(n.args[0], get);
        return c === null ? null : evaluate(c ? n.args[1] : n.args[2], get);
      }
      const v = n.args.map((x) => evaluate(x, get));
      if (v.some((x) => x === null)) return null;
      const xs = v as number[];
      if (n.fn === 'pct') return pct(xs[0], xs[1]);
      if (n.fn === 'min') return Math.min(...xs);
      if (n.fn === 'max') return Math.max(...xs);
      if (n.fn === 'round') {
        const f = 10 ** (xs[1] ?? 0);
        return Math.round(xs[0] * f + 1e-9) / f;
      }
      return null;
    }
  }
}

/** The formula as an Excel formula, given where each referenced cell sits in the sheet. */
export function toExcel(n: Node, addr: (row: string, col: string) => string): string {
  switch (n.t) {
    case 'num':
      return String(n.v);
    case 'ref':
      return addr(n.row, n.col);
    case 'neg':
      return `-(${toExcel(n.a, addr)})`;
    case 'bin': {
      const op = n.op === '==' ? '=' : n.op === '!=' ? '<>' : n.op;
      return `(${toExcel(n.a, addr)}${op}${toExcel(n.b, addr)})`;
    }
    case 'call': {
      const a = n.args.map((x) => toExcel(x, addr));
      if (n.fn === 'pct') return `IF(OR(${a[1]}="",${a[1]}=0),"",ROUND(${a[0]}/${a[1]}*100,1))`;
      if (n.fn === 'sum') return `SUM(${a.join(',')})`;
      if (n.fn === 'if') return `IF(${a[0]},${a[1]},${a[2]})`;
      return `${n.fn.toUpperCase()}(${a.join(',')})`;
    }
  }
}
