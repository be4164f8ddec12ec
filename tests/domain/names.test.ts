/**
 * Pure domain rules: how a person's name is normalised for identity, which names are accepted,
 * the СНИЛС checksum, and calendar days (entry in ДД.ММ.ГГГГ or ISO, display in ДД.ММ.ГГГГ).
 */
import { addDays, formatDay, parseDay, toDate } from '../../src/lib/dates';
import { cleanName, identityKey, nameKey, nameProblem } from '../../src/lib/names';
import { formatSnils, normaliseSnils, snilsProblem } from '../../src/lib/snils';

const person = (
  o: Partial<{ lastName: string; firstName: string; middleName: string | null; birthDate: string }> = {},
) => ({
  lastName: 'Семёнова',
  firstName: 'Анна-Мария',
  middleName: 'Сергеевна',
  birthDate: '1985-03-14',
  ...o,
});

describe('cleanName', () => {
  it('collapses runs of spaces and trims the ends', () => {
    expect(cleanName('  Мария   Луиза \t ')).toBe('Мария Луиза');
  });

  it('removes spaces around a hyphen', () => {
    expect(cleanName('Петрова - Водкина')).toBe('Петрова-Водкина');
    expect(cleanName('Петрова-  Водкина')).toBe('Петрова-Водкина');
  });

  it('turns typographic dashes into a plain hyphen', () => {
    expect(cleanName('Петрова\u2014Водкина')).toBe('Петрова-Водкина');
    expect(cleanName('Петрова \u2013 Водкина')).toBe('Петрова-Водкина');
  });

  it('turns typographic apostrophes into a plain one', () => {
    expect(cleanName('Д\u2019Артаньян')).toBe("Д'Артаньян");
    expect(cleanName('Д\u02BCАртаньян')).toBe("Д'Артаньян");
  });

  it('composes decomposed letters (NFC)', () => {
    const decomposed = 'Сергеи\u0306'; // и + combining breve
    expect(decomposed).not.toBe('Сергей');
    expect(cleanName(decomposed)).toBe('Сергей');
  });

  it('keeps the letter case and Ё as typed (only the keys fold them)', () => {
    expect(cleanName('Семёнова')).toBe('Семёнова');
  });
});

describe('nameKey', () => {
  it('upper-cases and folds Ё into Е', () => {
    expect(nameKey('Семёнова')).toBe('СЕМЕНОВА');
    expect(nameKey('ёлкин')).toBe('ЕЛКИН');
  });

  it('gives the same key to a name typed in different case, with extra spaces and spaces around the hyphen', () => {
    const k = nameKey('Петрова-Водкина');
    expect(nameKey('  петрова  -  ВОДКИНА ')).toBe(k);
    expect(nameKey('ПЕТРОВА\u2014водкина')).toBe(k);
  });

  it('gives the same key to a decomposed ё and й as to composed ones', () => {
    expect(nameKey('Семе\u0308нова')).toBe('СЕМЕНОВА');
    expect(nameKey('Андреи\u0306')).toBe(nameKey('Андрей'));
  });

  it('does not confuse Й with И', () => {
    expect(nameKey('Андрей')).not.toBe(nameKey('Андреи'));
  });
});

describe('identityKey', () => {
  const base = identityKey(person());

  it.each([
    ['letter case', person({ lastName: 'СЕМЁНОВА', firstName: 'анна-мария', middleName: 'сергеевна' })],
    ['Ё written as Е', person({ lastName: 'Семенова' })],
    ['extra spaces', person({ lastName: '  Семёнова ', firstName: 'Анна-Мария  ', middleName: ' Сергеевна' })],
    ['spaces around the hyphen', person({ firstName: 'Анна - Мария' })],
    ['a decomposed ё (е + U+0308)', person({ lastName: 'Семе\u0308нова' })],
  ])('is the same person whatever the %s', (_label, variant) => {
    expect(identityKey(variant)).toBe(base);
  });

  it('treats a composed й and a decomposed one (и + U+0306) as the same person', () => {
    const composed = identityKey({
      lastName: 'Бойко',
      firstName: 'Андрей',
      middleName: 'Николаевич',
      birthDate: '1970-01-01',
    });
    const decomposed = identityKey({
      lastName: 'Бои\u0306ко',
      firstName: 'Андреи\u0306',
      middleName: 'Николаевич',
      birthDate: '1970-01-01',
    });
    expect(decomposed).toBe(composed);
  });

  it("treats a typographic apostrophe (’) and a plain one (') as the same person", () => {
    const plain = identityKey({ lastName: "Д'Артаньян", firstName: 'Шарль', birthDate: '1980-05-05' });
    const typographic = identityKey({ lastName: 'Д\u2019Артаньян', firstName: 'Шарль', birthDate: '1980-05-05' });
    expect(typographic).toBe(plain);
  });

  it('treats a missing middle name and an empty one alike', () => {
    expect(identityKey(person({ middleName: null }))).toBe(identityKey(person({ middleName: '' })));
  });

  it('tells apart people differing in birth date, middle name or a letter', () => {
    expect(identityKey(person({ birthDate: '1985-03-15' }))).not.toBe(base);
    expect(identityKey(person({ middleName: null }))).not.toBe(base);
    expect(identityKey(person({ middleName: 'Сергеевич' }))).not.toBe(base);
    expect(identityKey(person({ lastName: 'Семёнов' }))).not.toBe(base);
  });

  it('keeps the parts apart, so that shifting a word between parts is a different person', () => {
    const a = identityKey({ lastName: 'Анна Мария', firstName: 'Петрова', birthDate: '1990-01-01' });
    const b = identityKey({ lastName: 'Анна', firstName: 'Мария Петрова', birthDate: '1990-01-01' });
    expect(a).not.toBe(b);
  });
});

describe('nameProblem', () => {
  it.each([
    'Иванов',
    'Семёнова',
    'Ёлкин',
    'Петрова-Водкина',
    'Петрова - Водкина',
    'Мария Луиза',
    "Д'Артаньян",
    'Д\u2019Артаньян',
    'Бои\u0306ко',
  ])('accepts %s', (name) => {
    expect(nameProblem(name)).toBeNull();
  });

  it('asks to fill in an empty or blank name', () => {
    expect(nameProblem('')).toBe('Заполните поле');
    expect(nameProblem('   ')).toBe('Заполните поле');
  });

  it('refuses a name longer than 60 characters', () => {
    expect(nameProblem('Я'.repeat(61))).toBe('Не длиннее 60 символов');
    expect(nameProblem('Я'.repeat(60))).toBeNull();
  });

  it('names the Latin look-alike letter typed among Russian ones', () => {
    const msg = nameProblem('Ивaнов'); // Latin "a"
    expect(msg).toMatch(/Латинская буква «a»/);
    expect(nameProblem('Сидоров\u0440')).toBeNull(); // Cyrillic р is fine
    expect(nameProblem('Cидоров')).toMatch(/«C»/); // Latin C
  });

  it.each(['Ivanov', 'Иванов2', 'Иванов--Петров', '-Иванов', 'Иванов-', "''", 'Иванов.', 'Иван_ов'])(
    'refuses %s',
    (name) => {
      expect(nameProblem(name)).toBe('Только русские буквы, дефис, апостроф и пробел между частями');
    },
  );
});

describe('СНИЛС', () => {
  it.each([
    ['112-233-445 95', 'the example in the hint'],
    ['11223344595', 'digits only'],
    [' 112 233 445 95 ', 'spaces'],
    ['999-999-999 01', 'a sum over 101 (405 mod 101 = 1)'],
    ['002-009-898 00', 'a sum of exactly 100 (checksum 00)'],
    ['002-009-996 00', 'a sum of exactly 101 (checksum 00)'],
    ['087-654-303 00', 'a sum of 202 (mod 101 = 0)'],
    ['001-001-998 42', 'a number up to 001-001-998, which the rule does not check'],
  ])('accepts %s (%s)', (snils) => {
    expect(snilsProblem(snils)).toBeNull();
  });

  it.each([
    ['112-233-445 96', 'checksum off by one'],
    ['112-233-454 95', 'two digits swapped'],
    ['999-999-999 00', 'checksum 00 where 01 is due'],
    ['002-009-898 100', 'checksum written as 100'],
    ['001-001-999 00', 'the first checked number with a wrong checksum'],
  ])('refuses %s (%s)', (snils) => {
    expect(snilsProblem(snils)).not.toBeNull();
  });

  it('says which rule failed', () => {
    expect(snilsProblem('112-233-445 96')).toMatch(/контрольная сумма/);
    expect(snilsProblem('112-233-445')).toMatch(/11 цифр/);
    expect(snilsProblem('112-233-445 9x')).toMatch(/11 цифр/);
    expect(snilsProblem('')).toMatch(/11 цифр/);
  });

  it('checks 001-001-999 (just past the unchecked range) by the rule', () => {
    expect(snilsProblem('001-001-999 65')).toBeNull();
  });

  it('normalises to 11 digits and formats back as XXX-XXX-XXX YY', () => {
    expect(normaliseSnils('112-233-445 95')).toBe('11223344595');
    expect(formatSnils('11223344595')).toBe('112-233-445 95');
  });
});

describe('parseDay', () => {
  it('accepts 29 February of a leap year in both ISO and Russian forms', () => {
    expect(parseDay('2020-02-29')).toBe('2020-02-29');
    expect(parseDay('29.02.2020')).toBe('2020-02-29');
  });

  it('accepts one-digit day and month in the Russian form and trims spaces', () => {
    expect(parseDay('1.9.2015')).toBe('2015-09-01');
    expect(parseDay('  01.09.2015 ')).toBe('2015-09-01');
    expect(parseDay(' 2015-09-01\n')).toBe('2015-09-01');
  });

  it.each([
    ['31.02.2020', 'no 31 February'],
    ['2021-02-29', 'not a leap year'],
    ['29.02.2021', 'not a leap year'],
    ['1900-02-29', '1900 is not a leap year'],
    ['31.04.2020', 'April has 30 days'],
    ['2020-13-01', 'no 13th month'],
    ['00.01.2020', 'no day 0'],
    ['2020-00-10', 'no month 0'],
    ['', 'empty'],
    ['вчера', 'words'],
    ['garbage', 'garbage'],
    ['2020/02/29', 'slashes'],
    ['29.02.20', 'two-digit year'],
    ['2020-2-29', 'ISO without leading zeros'],
    ['2020-02-29T00:00:00Z', 'a timestamp'],
    ['1899-12-31', 'before 1900'],
    ['01.01.2101', 'after 2100'],
  ])('rejects %s (%s)', (raw) => {
    expect(parseDay(raw)).toBeNull();
  });
});

describe('formatDay', () => {
  it('shows a day as ДД.ММ.ГГГГ with leading zeros', () => {
    expect(formatDay('2020-02-29')).toBe('29.02.2020');
    expect(formatDay('2015-09-01')).toBe('01.09.2015');
  });

  it('shows a @db.Date value (UTC midnight) as the same calendar day', () => {
    expect(formatDay(toDate('2020-02-29'))).toBe('29.02.2020');
    expect(formatDay(new Date('2024-12-31T00:00:00.000Z'))).toBe('31.12.2024');
  });

  it('shows nothing for a missing date', () => {
    expect(formatDay(null)).toBe('');
    expect(formatDay(undefined)).toBe('');
  });

  it('round-trips with parseDay', () => {
    for (const d of ['2020-02-29', '1999-12-31', '2000-01-01']) expect(parseDay(formatDay(d))).toBe(d);
  });
});

describe('addDays', () => {
  it('steps over month ends and the leap day', () => {
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2020-02-29', 1)).toBe('2020-03-01');
    expect(addDays('2021-03-01', -1)).toBe('2021-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });
});
