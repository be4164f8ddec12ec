import type request from 'supertest';
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';
import {
  errorBox,
  fieldError,
  fieldMarkedInvalid,
  formHtml,
  hiddenFieldsOf,
  inputValue,
  ru,
  selectedValue,
  textareaValue,
} from './html';
import { db } from '../../src/db';
import { addDays, today } from '../../src/lib/dates';
import { buildMember, buildOrg } from '../../src/seed/builders.repo';

useDb();

let t: Tree;
/** Chair of the territorial organisation А1: covers primA1 (with buroA1) and primA2. */
let chair: request.Agent;
let chairUser: { id: string; login: string };

beforeAll(async () => {
  t = await buildTree();
  chairUser = await userWith('CHAIR', t.terrA1);
  chair = await loginAs(chairUser.login);
});

/** Row counts of everything a form could write. */
async function counts() {
  const d = db();
  const [organisations, members, persons, registrations, movements, consents, users, roles, tokens, positions] =
    await Promise.all([
      d.organisation.count(),
      d.member.count(),
      d.person.count(),
      d.registration.count(),
      d.movement.count(),
      d.consent.count(),
      d.user.count(),
      d.roleAssignment.count(),
      d.apiToken.count(),
      d.position.count(),
    ]);
  return { organisations, members, persons, registrations, movements, consents, users, roles, tokens, positions };
}

const CYRILLIC_MESSAGE = /[А-Яа-яЁё]/;

/** A Russian error next to the field, and the field flagged for assistive technology. */
function expectFieldError(html: string, name: string, message: RegExp | string) {
  const err = fieldError(html, name);
  expect({ field: name, err }).toEqual({ field: name, err: expect.any(String) });
  expect(err).toMatch(CYRILLIC_MESSAGE);
  if (typeof message === 'string') expect(err).toBe(message);
  else expect(err).toMatch(message);
  expect(fieldMarkedInvalid(html, name)).toBe(true);
}

/** A date that is not one is refused saying why: no such day, the wrong shape, a year out of range. */
const BAD_DATE =
  /^(Такой даты нет: .+|Введите дату в виде ДД\.ММ\.ГГГГ, например 01\.09\.2024|Год должен быть от 1900 до 2100)$/;
const STALE = /уже изменил другой пользователь/;

// ---------------------------------------------------------------- organisations

describe('new organisation form (/orgs/:id/new)', () => {
  const url = () => `/orgs/${t.terrA1.id}/new`;

  it('answers 400 with a message at each bad field, keeps what was typed and creates nothing', async () => {
    const before = await counts();
    const res = await postForm(chair, url(), url(), {
      kind: 'PRIMARY',
      name: 'аб',
      shortName: 'Коротко',
      institutionInn: '12345',
      email: 'не-почта',
      phone: 'звоните',
      employeesCount: 'много',
      studentsCount: '-5',
      foundedAt: '31.02.2020',
      address: 'ул. Ленина, 1 "корпус" <2>',
    });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'name', 'Полное наименование: не короче 3 символов');
    expectFieldError(res.text, 'institutionInn', 'ИНН: 10 или 12 цифр');
    expectFieldError(res.text, 'email', 'Неверный адрес электронной почты');
    expectFieldError(res.text, 'phone', /Телефон/);
    expectFieldError(res.text, 'employeesCount', 'Введите целое число');
    expectFieldError(res.text, 'studentsCount', 'Не меньше 0');
    expectFieldError(res.text, 'foundedAt', BAD_DATE);
    expect(errorBox(res.text)).toMatch(/Исправьте ошибки/);
    expect(selectedValue(res.text, 'kind')).toBe('PRIMARY');
    expect(inputValue(res.text, 'name')).toBe('аб');
    expect(inputValue(res.text, 'shortName')).toBe('Коротко');
    expect(inputValue(res.text, 'institutionInn')).toBe('12345');
    expect(inputValue(res.text, 'email')).toBe('не-почта');
    expect(inputValue(res.text, 'employeesCount')).toBe('много');
    expect(inputValue(res.text, 'foundedAt')).toBe('31.02.2020');
    // Typed markup is escaped, not injected.
    expect(inputValue(res.text, 'address')).toBe('ул. Ленина, 1 "корпус" <2>');
    expect(res.text).not.toContain('<2>');
    expect(await counts()).toEqual(before);
  });

  it('asks for the kind when none is chosen', async () => {
    const before = await counts();
    const res = await postForm(chair, url(), url(), { kind: '', name: 'ППО без вида' });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'kind', 'Выберите вид организации');
    expect(inputValue(res.text, 'name')).toBe('ППО без вида');
    expect(await counts()).toEqual(before);
  });

  it('refuses a kind that cannot sit under the parent with a message at the kind', async () => {
    const before = await counts();
    const res = await postForm(chair, url(), url(), { kind: 'PROFBURO', name: 'Профбюро не на месте' });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'kind', /не может входить/);
    expect(inputValue(res.text, 'name')).toBe('Профбюро не на месте');
    expect(await counts()).toEqual(before);
  });

  it('creates the organisation from good input (control)', async () => {
    const res = await postForm(chair, url(), url(), {
      kind: 'PRIMARY',
      name: 'ППО гимназии № 5',
      institutionInn: '2301234567',
      foundedAt: '29.02.2000',
      employeesCount: '1 200',
    });
    expect(res.status).toBe(303);
    const org = await db().organisation.findFirstOrThrow({ where: { name: 'ППО гимназии № 5' } });
    expect(org.parentId).toBe(t.terrA1.id);
    expect(org.employeesCount).toBe(1200);
    expect(org.foundedAt?.toISOString().slice(0, 10)).toBe('2000-02-29');
  });
});

describe('passport edit form (/orgs/:id/edit)', () => {
  it('answers 400 at bad fields, keeps the typed values and leaves the passport as it was', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО лицея № 2', institutionType: 'OO' });
    const url = `/orgs/${org.id}/edit`;
    const form = await chair.get(url);
    const version = inputValue(form.text, 'version')!;
    const rowBefore = await db().organisation.findUniqueOrThrow({ where: { id: org.id } });
    const res = await postForm(chair, url, url, {
      version,
      name: '  ',
      institutionInn: '12345678901',
      email: 'a@',
      employeesCount: '12,5',
      foundedAt: '2020-13-01',
      institutionType: 'SCHOOL',
    });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'name', /не короче 3 символов/);
    expectFieldError(res.text, 'institutionInn', 'ИНН: 10 или 12 цифр');
    expectFieldError(res.text, 'email', 'Неверный адрес электронной почты');
    expectFieldError(res.text, 'employeesCount', 'Введите целое число');
    expectFieldError(res.text, 'foundedAt', BAD_DATE);
    expectFieldError(res.text, 'institutionType', 'Выберите тип учреждения');
    expect(inputValue(res.text, 'institutionInn')).toBe('12345678901');
    expect(inputValue(res.text, 'employeesCount')).toBe('12,5');
    expect(inputValue(res.text, 'foundedAt')).toBe('2020-13-01');
    expect(inputValue(res.text, 'version')).toBe(version);
    expect(await db().organisation.findUniqueOrThrow({ where: { id: org.id } })).toEqual(rowBefore);
  });

  it('answers 409 «уже изменил другой пользователь» to a stale version, keeps the typed values and saves nothing', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО колледжа № 3', institutionType: 'POO' });
    const url = `/orgs/${org.id}/edit`;
    const version = inputValue((await chair.get(url)).text, 'version')!;

    // Someone else saves first, with the same version.
    const first = await postForm(chair, url, url, {
      version,
      name: 'ППО колледжа № 3 (первое изменение)',
      institutionType: 'POO',
    });
    expect(first.status).toBe(303);

    const stale = await postForm(chair, url, url, {
      version,
      name: 'ППО колледжа № 3 (второе изменение)',
      institutionType: 'POO',
      address: 'г. Краснодар',
    });
    expect(stale.status).toBe(409);
    expect(errorBox(stale.text)).toMatch(STALE);
    expect(inputValue(stale.text, 'name')).toBe('ППО колледжа № 3 (второе изменение)');
    expect(inputValue(stale.text, 'address')).toBe('г. Краснодар');
    const row = await db().organisation.findUniqueOrThrow({ where: { id: org.id } });
    expect(row.name).toBe('ППО колледжа № 3 (первое изменение)');
    expect(row.address).toBeNull();
    expect(row.version).toBe(Number(version) + 1);
  });
});

describe('exclude form (/orgs/:id/exclude)', () => {
  it('answers 400 to a bad date and a missing reason, keeps the typed values and excludes nothing', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО закрытой школы' });
    const url = `/orgs/${org.id}/exclude`;
    const before = await db().organisation.findUniqueOrThrow({ where: { id: org.id } });
    const res = await postForm(chair, url, url, { date: '31.02.2020', reason: 'аб' });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'date', BAD_DATE);
    expectFieldError(res.text, 'reason', 'Укажите причину');
    expect(inputValue(res.text, 'date')).toBe('31.02.2020');
    expect(textareaValue(res.text, 'reason')).toBe('аб');
    expect(await db().organisation.findUniqueOrThrow({ where: { id: org.id } })).toEqual(before);
  });

  it('answers 422 for an organisation that still has members, with the reason in Russian, and keeps it active', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО с членами' });
    await buildMember({ org });
    const url = `/orgs/${org.id}/exclude`;
    const res = await postForm(chair, url, url, { date: ru(today()), reason: 'Ликвидация учреждения' });
    expect(res.status).toBe(422);
    expect(errorBox(res.text)).toMatch(/Сначала переведите или снимите с учёта членов Профсоюза \(1\)/);
    expect(textareaValue(res.text, 'reason')).toBe('Ликвидация учреждения');
    expect((await db().organisation.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('ACTIVE');
  });

  it('excludes an empty organisation from good input (control)', async () => {
    const org = await buildOrg(t.terrA1, 'PRIMARY', { name: 'ППО пустая' });
    const url = `/orgs/${org.id}/exclude`;
    const res = await postForm(chair, url, url, { date: ru(today()), reason: 'Ликвидация учреждения' });
    expect(res.status).toBe(303);
    expect((await db().organisation.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('EXCLUDED');
  });
});

// ---------------------------------------------------------------- members

const goodMember = (over: Record<string, string> = {}) => ({
  lastName: 'Соколова',
  firstName: 'Мария',
  middleName: 'Ивановна',
  birthDate: '14.03.1985',
  gender: 'FEMALE',
  category: 'WORKING',
  joinedAt: '01.09.2010',
  consentProcessing: 'on',
  ...over,
});

describe('new member form (/orgs/:id/members/new)', () => {
  const url = () => `/orgs/${t.primA1.id}/members/new`;

  it('answers 400 with a message at every bad field, keeps the typed values and saves nothing', async () => {
    const before = await counts();
    const res = await postForm(chair, url(), url(), {
      lastName: 'Ивaнов' /* Latin a */,
      firstName: '',
      middleName: 'Petrovich',
      birthDate: '31.02.2020',
      category: '',
      joinedAt: 'вчера',
      phone: 'нет телефона',
      email: 'ivanov@',
      snils: '123',
      gender: 'X',
      consentProcessing: 'on',
    });
    expect(res.status).toBe(400);
    expectFieldError(
      res.text,
      'lastName',
      'Фамилия: латинская буква «a» среди русских: наберите её в русской раскладке',
    );
    expectFieldError(res.text, 'firstName', /^Имя: заполните поле$/);
    expectFieldError(res.text, 'middleName', /^Отчество: только русские буквы/);
    expectFieldError(res.text, 'birthDate', BAD_DATE);
    expectFieldError(res.text, 'category', 'Выберите категорию');
    expectFieldError(res.text, 'joinedAt', BAD_DATE);
    expectFieldError(res.text, 'phone', /Телефон/);
    expectFieldError(res.text, 'email', 'Неверный адрес электронной почты');
    expectFieldError(res.text, 'snils', /СНИЛС: 11 цифр/);
    expectFieldError(res.text, 'gender', 'Пол: М или Ж');
    expect(inputValue(res.text, 'lastName')).toBe('Ивaнов');
    expect(inputValue(res.text, 'middleName')).toBe('Petrovich');
    expect(inputValue(res.text, 'birthDate')).toBe('31.02.2020');
    expect(inputValue(res.text, 'joinedAt')).toBe('вчера');
    expect(inputValue(res.text, 'phone')).toBe('нет телефона');
    expect(inputValue(res.text, 'email')).toBe('ivanov@');
    expect(inputValue(res.text, 'snils')).toBe('123');
    expect(res.text).toMatch(/name="consentProcessing" checked/);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['Latin a in a Cyrillic surname', { lastName: 'Ивaнов' }, 'lastName', /латинская буква «a»/],
    ['Latin o in a surname', { firstName: 'Пётр', lastName: 'Сидoров' }, 'lastName', /латинская буква «o»/],
    ['Latin capital Е at the start', { lastName: 'Eгорова' }, 'lastName', /латинская буква «E»/],
    ['Latin c in a patronymic', { middleName: 'Алекcеевна' }, 'middleName', /латинская буква «c»/],
    ['a wholly Latin surname', { lastName: 'Smith' }, 'lastName', /только русские буквы/],
    ['digits in a name', { firstName: 'Анна2' }, 'firstName', /только русские буквы/],
  ])('flags %s and saves nothing', async (_label, over, field, message) => {
    const before = await counts();
    const res = await postForm(chair, url(), url(), goodMember({ ...over, birthDate: '02.02.1977' }));
    expect(res.status).toBe(400);
    expectFieldError(res.text, field, message);
    expect(inputValue(res.text, field)).toBe((over as Record<string, string>)[field]);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a hyphenated surname', { lastName: 'Салтыкова-Щедрина' }, 'Салтыкова-Щедрина'],
    ['a surname with an apostrophe', { lastName: "Д'Артаньян", firstName: 'Шарль', middleName: '' }, "Д'Артаньян"],
    [
      'a typographic apostrophe, stored as a plain one',
      { lastName: 'О’Коннор', firstName: 'Шон', middleName: '' },
      "О'Коннор",
    ],
    ['Ё in the surname', { lastName: 'Ёлкина', firstName: 'Алёна' }, 'Ёлкина'],
    ['a two-part surname with a space', { lastName: 'Мамина Сибирячка' }, 'Мамина Сибирячка'],
    ['spaces around the hyphen, cleaned', { lastName: 'Римская - Корсакова' }, 'Римская-Корсакова'],
  ])('accepts %s', async (_label, over, stored) => {
    // Distinct birth dates keep these people apart from one another.
    const birth = `1${_label.length % 10}.0${1 + (_label.length % 9)}.19${60 + (_label.length % 30)}`;
    const res = await postForm(chair, url(), url(), goodMember({ ...over, birthDate: birth }));
    expect(res.status).toBe(303);
    const id = /\/members\/([0-9a-f-]{36})$/.exec(res.headers.location)?.[1];
    expect(id).toBeDefined();
    const m = await db().member.findUniqueOrThrow({ where: { id }, include: { person: true } });
    expect(m.person.lastName).toBe(stored);
    expect(m.organisationId).toBe(t.primA1.id);
  });

  it.each([
    ['31.02.2020'],
    ['30.02.1990'],
    ['29.02.2021'],
    ['2020-02-30'],
    ['32.01.1990'],
    ['15.13.1990'],
    ['1.1.90'],
    ['01.01.1899'],
  ])('refuses the impossible birth date %s with 400', async (bad) => {
    const before = await counts();
    const res = await postForm(chair, url(), url(), goodMember({ birthDate: bad }));
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'birthDate', BAD_DATE);
    expect(inputValue(res.text, 'birthDate')).toBe(bad);
    expect(await counts()).toEqual(before);
  });

  it('accepts 29 February of a leap year (control for the date check)', async () => {
    const res = await postForm(chair, url(), url(), goodMember({ lastName: 'Високосная', birthDate: '29.02.1980' }));
    expect(res.status).toBe(303);
  });

  it('refuses a birth date in the future', async () => {
    const before = await counts();
    const future = ru(addDays(today(), 30));
    const res = await postForm(chair, url(), url(), goodMember({ lastName: 'Будущева', birthDate: future }));
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'birthDate', 'Дата рождения не может быть в будущем');
    expect(inputValue(res.text, 'birthDate')).toBe(future);
    expect(await counts()).toEqual(before);
  });

  it('refuses a joining date in the future and one before the age of 14', async () => {
    const before = await counts();
    const future = await postForm(
      chair,
      url(),
      url(),
      goodMember({ lastName: 'Ранняя', joinedAt: ru(addDays(today(), 1)) }),
    );
    expect(future.status).toBe(400);
    expectFieldError(future.text, 'joinedAt', 'Дата вступления не может быть в будущем');
    const young = await postForm(
      chair,
      url(),
      url(),
      goodMember({ lastName: 'Юная', birthDate: '01.01.2000', joinedAt: '01.09.2010' }),
    );
    expect(young.status).toBe(400);
    expectFieldError(young.text, 'joinedAt', /не меньше 14 лет/);
    expect(await counts()).toEqual(before);
  });

  it('refuses registration without consent to processing, with the message at the consent', async () => {
    const before = await counts();
    const { consentProcessing: _omit, ...noConsent } = goodMember({ lastName: 'Несогласная' });
    const res = await postForm(chair, url(), url(), noConsent);
    expect(res.status).toBe(400);
    expect(res.text).toContain(
      '<p class="field-error">Без согласия на обработку персональных данных поставить на учёт нельзя</p>',
    );
    expect(inputValue(res.text, 'lastName')).toBe('Несогласная');
    expect(await counts()).toEqual(before);
  });
});

describe('member edit form (/members/:id/edit)', () => {
  it('answers 400 at bad fields, keeps the typed values and changes nothing', async () => {
    const { memberId, personId } = await buildMember({
      org: t.primA1,
      lastName: 'Орлова',
      firstName: 'Нина',
      birthDate: '1980-04-04',
    });
    const url = `/members/${memberId}/edit`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const person = await db().person.findUniqueOrThrow({ where: { id: personId } });
    const member = await db().member.findUniqueOrThrow({ where: { id: memberId } });
    const res = await postForm(chair, url, url, {
      version,
      lastName: 'Орлoва' /* Latin o */,
      firstName: 'Нина',
      birthDate: '30.02.1980',
      email: 'orlova@@mail',
      snils: '112-233-445 96',
    });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'lastName', /латинская буква «o»/);
    expectFieldError(res.text, 'birthDate', BAD_DATE);
    expectFieldError(res.text, 'email', 'Неверный адрес электронной почты');
    expectFieldError(res.text, 'snils', /контрольная сумма/);
    expect(inputValue(res.text, 'lastName')).toBe('Орлoва');
    expect(inputValue(res.text, 'birthDate')).toBe('30.02.1980');
    expect(inputValue(res.text, 'snils')).toBe('112-233-445 96');
    expect(inputValue(res.text, 'version')).toBe(version);
    expect(await db().person.findUniqueOrThrow({ where: { id: personId } })).toEqual(person);
    expect(await db().member.findUniqueOrThrow({ where: { id: memberId } })).toEqual(member);
  });

  it('refuses a future birth date on edit', async () => {
    const { memberId, personId } = await buildMember({ org: t.primA1 });
    const url = `/members/${memberId}/edit`;
    const values = {
      version: inputValue((await chair.get(url)).text, 'version')!,
      lastName: 'Завтрашняя',
      firstName: 'Анна',
      birthDate: ru(addDays(today(), 1)),
    };
    const person = await db().person.findUniqueOrThrow({ where: { id: personId } });
    const res = await postForm(chair, url, url, values);
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'birthDate', 'Дата рождения не может быть в будущем');
    expect(await db().person.findUniqueOrThrow({ where: { id: personId } })).toEqual(person);
  });

  it('answers 409 «уже изменил другой пользователь» to a stale version and keeps the first change', async () => {
    const { memberId, personId } = await buildMember({
      org: t.primA1,
      lastName: 'Белова',
      firstName: 'Ольга',
      birthDate: '1979-07-07',
    });
    const url = `/members/${memberId}/edit`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const first = await postForm(chair, url, url, {
      version,
      lastName: 'Белова',
      firstName: 'Ольга',
      birthDate: '07.07.1979',
      phone: '+7 900 111-22-33',
    });
    expect(first.status).toBe(303);
    const stale = await postForm(chair, url, url, {
      version,
      lastName: 'Белова-Старая',
      firstName: 'Ольга',
      birthDate: '07.07.1979',
      email: 'belova@example.ru',
    });
    expect(stale.status).toBe(409);
    expect(errorBox(stale.text)).toMatch(STALE);
    expect(inputValue(stale.text, 'lastName')).toBe('Белова-Старая');
    expect(inputValue(stale.text, 'email')).toBe('belova@example.ru');
    const p = await db().person.findUniqueOrThrow({ where: { id: personId } });
    expect(p.lastName).toBe('Белова');
    expect(p.phone).toBe('+7 900 111-22-33');
    expect(p.email).toBeNull();
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).version).toBe(Number(version) + 1);
  });
});

describe('exit form (/members/:id/exit)', () => {
  it('answers 400 to a missing reason and a bad date, keeps the typed values and leaves the member registered', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const url = `/members/${memberId}/exit`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const before = await counts();
    const res = await postForm(chair, url, url, {
      version,
      reason: '',
      date: '31.02.2024',
      note: 'Заявление от 01.03',
    });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'reason', /Выберите причину/);
    expectFieldError(res.text, 'date', BAD_DATE);
    expect(inputValue(res.text, 'date')).toBe('31.02.2024');
    expect(textareaValue(res.text, 'note')).toBe('Заявление от 01.03');
    expect(await counts()).toEqual(before);
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).status).toBe('ACTIVE');
  });

  it('refuses a date before the registration and a date in the future, at the date field', async () => {
    const { memberId } = await buildMember({ org: t.primA1, joinedAt: '2015-09-01' });
    const url = `/members/${memberId}/exit`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const before = await counts();
    const early = await postForm(chair, url, url, { version, reason: 'EXIT_VOLUNTARY', date: '01.01.2014' });
    expect(early.status).toBe(400);
    expectFieldError(early.text, 'date', 'Дата не раньше постановки на учёт (01.09.2015)');
    expect(selectedValue(early.text, 'reason')).toBe('EXIT_VOLUNTARY');
    const future = await postForm(chair, url, url, {
      version,
      reason: 'EXIT_VOLUNTARY',
      date: ru(addDays(today(), 2)),
    });
    expect(future.status).toBe(400);
    expectFieldError(future.text, 'date', 'Дата не может быть в будущем');
    expect(await counts()).toEqual(before);
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).status).toBe('ACTIVE');
  });
});

describe('transfer form (/members/:id/transfer)', () => {
  it('answers 400 to no target and a bad date, keeps the typed values and moves nothing', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const url = `/members/${memberId}/transfer`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const before = await counts();
    const res = await postForm(chair, url, url, { version, toOrgId: '', date: '30.02.2024' });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'toOrgId', /[А-Яа-я]/);
    expectFieldError(res.text, 'date', BAD_DATE);
    expect(inputValue(res.text, 'date')).toBe('30.02.2024');
    expect(await counts()).toEqual(before);
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).organisationId).toBe(t.primA1.id);
  });

  it("refuses a target outside the chair's organisations as if it were not in the list", async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const url = `/members/${memberId}/transfer`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const before = await counts();
    const res = await postForm(chair, url, url, { version, toOrgId: t.primB1.id, date: ru(today()) });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'toOrgId', 'Выберите организацию из списка');
    expect(res.text).not.toContain(t.primB1.name);
    expect(await counts()).toEqual(before);
  });

  it('refuses a target that does not hold members, with the message at the organisation field', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const url = `/members/${memberId}/transfer`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const before = await counts();
    const res = await postForm(chair, url, url, { version, toOrgId: t.terrA1.id, date: ru(today()) });
    expect(res.status).toBe(400);
    expect(errorBox(res.text)).toMatch(/Организация: выберите первичную организацию/);
    // The message must sit at the organisation select the user has to change.
    expectFieldError(res.text, 'toOrgId', /первичн/);
    expect(await counts()).toEqual(before);
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).organisationId).toBe(t.primA1.id);
  });

  it('renders the date as a ДД.ММ.ГГГГ text input prefilled with today and the search box as a text field', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const page = await chair.get(`/members/${memberId}/transfer`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      /<input id="f-date" name="date" type="text" inputmode="decimal" placeholder="ДД.ММ.ГГГГ"/,
    );
    expect(inputValue(formHtml(page.text, `/members/${memberId}/transfer" class="card`), 'date')).toBe(
      today().split('-').reverse().join('.'),
    );
    expect(page.text).toMatch(/<input id="f-q" name="q" type="search"/);
    expect(page.text).toMatch(/<select id="f-toOrgId" name="toOrgId"/);
  });

  it('transfers with good input (control)', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const url = `/members/${memberId}/transfer`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const res = await postForm(chair, url, url, { version, toOrgId: t.primA2.id, date: ru(today()) });
    expect(res.status).toBe(303);
    expect((await db().member.findUniqueOrThrow({ where: { id: memberId } })).organisationId).toBe(t.primA2.id);
  });

  it('refuses a date before the registration', async () => {
    const { memberId } = await buildMember({ org: t.primA1, joinedAt: '2015-09-01' });
    const url = `/members/${memberId}/transfer`;
    const version = inputValue((await chair.get(url)).text, 'version')!;
    const before = await counts();
    const res = await postForm(chair, url, url, { version, toOrgId: t.primA2.id, date: '01.01.2015' });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'date', /Дата не раньше постановки на учёт/);
    expect(selectedValue(res.text, 'toOrgId')).toBe(t.primA2.id);
    expect(await counts()).toEqual(before);
  });
});

describe('consents form (/members/:id/consents)', () => {
  it('answers 400 to a bad kind, action and date, keeps the typed values and records nothing', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const action = `/members/${memberId}/consents`;
    const before = await counts();
    const res = await postForm(chair, `/members/${memberId}`, action, {
      kind: 'SPAM',
      given: 'может быть',
      date: '31.02.2024',
    });
    expect(res.status).toBe(400);
    const form = formHtml(res.text, action);
    expect(fieldError(res.text, 'kind')).toMatch(/^Вид согласия/);
    expect(fieldError(res.text, 'given')).toMatch(CYRILLIC_MESSAGE);
    expect(fieldError(form, 'date')).toMatch(BAD_DATE);
    expect(inputValue(form, 'date')).toBe('31.02.2024');
    expect(await counts()).toEqual(before);
  });

  it('refuses a consent dated in the future', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const action = `/members/${memberId}/consents`;
    const before = await counts();
    const future = ru(addDays(today(), 3));
    const res = await postForm(chair, `/members/${memberId}`, action, {
      kind: 'MESSAGING',
      given: 'true',
      date: future,
    });
    expect(res.status).toBe(400);
    const form = formHtml(res.text, action);
    expect(fieldError(form, 'date')).toBe('Дата не может быть в будущем');
    expect(inputValue(form, 'date')).toBe(future);
    expect(selectedValue(form, 'kind')).toBe('MESSAGING');
    expect(await counts()).toEqual(before);
  });

  it('refuses a consent that is already given, and a withdrawal dated before the consent', async () => {
    const { memberId } = await buildMember({ org: t.primA1, joinedAt: '2015-09-01' });
    const action = `/members/${memberId}/consents`;
    const before = await counts();
    const again = await postForm(chair, `/members/${memberId}`, action, {
      kind: 'PROCESSING',
      given: 'true',
      date: ru(today()),
    });
    expect(again.status).toBe(400);
    expect(errorBox(again.text)).toContain('Это согласие уже дано и не отозвано');
    const early = await postForm(chair, `/members/${memberId}`, action, {
      kind: 'PROCESSING',
      given: 'false',
      date: '01.01.2014',
    });
    expect(early.status).toBe(400);
    expect(fieldError(formHtml(early.text, action), 'date')).toBe('Дата отзыва не раньше даты согласия');
    expect(await counts()).toEqual(before);
    const c = await db().consent.findMany({ where: { person: { members: { some: { id: memberId } } } } });
    expect(c.every((x) => x.withdrawnAt === null)).toBe(true);
  });

  it('records a good consent (control)', async () => {
    const { memberId } = await buildMember({ org: t.primA1 });
    const res = await postForm(chair, `/members/${memberId}`, `/members/${memberId}/consents`, {
      kind: 'MESSAGING',
      given: 'true',
      date: ru(today()),
    });
    expect(res.status).toBe(303);
    expect(
      await db().consent.count({ where: { kind: 'MESSAGING', person: { members: { some: { id: memberId } } } } }),
    ).toBe(1);
  });
});

// ---------------------------------------------------------------- users and tokens

describe('new user form (/users/new)', () => {
  const good = (over: Record<string, string> = {}) => ({
    fullName: 'Петров Пётр Петрович',
    login: 'petrov.pp',
    email: 'petrov@example.ru',
    password: 'Temp-password-123',
    role: 'REGISTRAR',
    organisationId: t.primA1.id,
    startsOn: ru(today()),
    endsOn: '',
    ...over,
  });

  it('answers 400 at every bad field, keeps the typed values (never the password) and creates nobody', async () => {
    const before = await counts();
    const res = await postForm(chair, '/users/new', '/users/new', {
      fullName: 'Пё',
      login: 'Пётр!',
      email: 'petrov@',
      password: 'short-1',
      role: 'BOSS',
      organisationId: '',
      startsOn: '31.02.2024',
      endsOn: '',
    });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'fullName', 'Укажите ФИО');
    expectFieldError(res.text, 'login', /Логин: 3–40 латинских букв/);
    expectFieldError(res.text, 'email', 'Неверный адрес электронной почты');
    expectFieldError(res.text, 'password', /не короче 10 символов/);
    expectFieldError(res.text, 'role', 'Выберите роль');
    expectFieldError(res.text, 'organisationId', /[А-Яа-я]/);
    expectFieldError(res.text, 'startsOn', BAD_DATE);
    expect(inputValue(res.text, 'fullName')).toBe('Пё');
    expect(inputValue(res.text, 'login')).toBe('Пётр!');
    expect(inputValue(res.text, 'email')).toBe('petrov@');
    expect(inputValue(res.text, 'startsOn')).toBe('31.02.2024');
    expect(inputValue(res.text, 'password')).toBe('');
    expect(res.text).not.toContain('short-1');
    expect(await counts()).toEqual(before);
  });

  it('refuses an end of the term before its start', async () => {
    const before = await counts();
    const res = await postForm(
      chair,
      '/users/new',
      '/users/new',
      good({ login: 'early.end', startsOn: '10.01.2026', endsOn: '01.01.2026' }),
    );
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'endsOn', 'Окончание не раньше начала');
    expect(inputValue(res.text, 'endsOn')).toBe('01.01.2026');
    expect(await counts()).toEqual(before);
  });

  it('refuses a role that does not fit the organisation kind', async () => {
    const before = await counts();
    const res = await postForm(chair, '/users/new', '/users/new', good({ login: 'wrong.kind', role: 'SUBUNIT_CHAIR' }));
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'role', /не назначается в организации вида/);
    expect(selectedValue(res.text, 'role')).toBe('SUBUNIT_CHAIR');
    expect(await counts()).toEqual(before);
  });

  it('refuses a chair appointing an administrator with 403 and creates nobody', async () => {
    const before = await counts();
    const res = await postForm(
      chair,
      '/users/new',
      '/users/new',
      good({ login: 'would.be.admin', role: 'ADMIN', organisationId: t.terrA1.id }),
    );
    expect(res.status).toBe(403);
    expectFieldError(res.text, 'role', /только администратор ЦС/);
    expect(await counts()).toEqual(before);
  });

  it("refuses an organisation outside the chair's scope with 400 at the organisation field (never 500) and creates nobody", async () => {
    const before = await counts();
    const res = await postForm(
      chair,
      '/users/new',
      '/users/new',
      good({ login: 'outsider.b1', organisationId: t.primB1.id }),
    );
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'organisationId', /[А-Яа-я]/);
    expect(inputValue(res.text, 'login')).toBe('outsider.b1');
    expect(await counts()).toEqual(before);
    expect(await db().user.count({ where: { login: 'outsider.b1' } })).toBe(0);
  });

  it('answers 409 to a login already taken, at the login field', async () => {
    const taken = await userWith('VIEWER', t.primA1);
    const before = await counts();
    const res = await postForm(chair, '/users/new', '/users/new', good({ login: taken.login.toUpperCase() }));
    expect(res.status).toBe(409);
    expectFieldError(res.text, 'login', 'Такой логин уже занят');
    expect(inputValue(res.text, 'login')).toBe(taken.login.toUpperCase());
    expect(inputValue(res.text, 'fullName')).toBe('Петров Пётр Петрович');
    expect(await counts()).toEqual(before);
  });

  it('creates the user from good input (control)', async () => {
    const res = await postForm(chair, '/users/new', '/users/new', good({ login: 'Petrov.PP' }));
    expect(res.status).toBe(303);
    const u = await db().user.findUniqueOrThrow({ where: { login: 'petrov.pp' }, include: { roles: true } });
    expect(u.roles.map((r) => [r.role, r.organisationId])).toEqual([['REGISTRAR', t.primA1.id]]);
  });
});

describe('API token form on the profile page (/profile/tokens)', () => {
  it('answers 400 at the name and the term, keeps the typed values and issues nothing', async () => {
    const before = await counts();
    const res = await postForm(chair, '/profile', '/profile/tokens', { name: '   ', days: '0' });
    expect(res.status).toBe(400);
    expectFieldError(res.text, 'name', /^Назовите токен/);
    expectFieldError(res.text, 'days', 'Срок: от 1 до 365 дней');
    expect(inputValue(res.text, 'days')).toBe('0');
    expect(res.text).not.toContain('id="new-token"');
    expect(await counts()).toEqual(before);
  });

  it.each([
    [{ name: 'Синхронизация', days: 'год' }, 'days', 'Срок: число дней'],
    [{ name: 'Синхронизация', days: '1.5' }, 'days', 'Срок: целое число дней'],
    [{ name: 'Синхронизация', days: '366' }, 'days', 'Срок: от 1 до 365 дней'],
    [{ name: 'Я'.repeat(101), days: '30' }, 'name', 'Не длиннее 100 символов'],
  ])('refuses %o', async (input, field, message) => {
    const before = await counts();
    const res = await postForm(chair, '/profile', '/profile/tokens', input);
    expect(res.status).toBe(400);
    expectFieldError(res.text, field, message);
    expect(inputValue(res.text, field)).toBe((input as Record<string, string>)[field]);
    expect(await counts()).toEqual(before);
  });

  it('issues a token from good input and shows it once (control)', async () => {
    const res = await postForm(chair, '/profile', '/profile/tokens', { name: 'Синхронизация с 1С вуза', days: '30' });
    expect(res.status).toBe(201);
    expect(res.text).toMatch(/<code id="new-token">rr_[A-Za-z0-9_-]+<\/code>/);
    expect(await db().apiToken.count({ where: { userId: chairUser.id, name: 'Синхронизация с 1С вуза' } })).toBe(1);
    expect((await chair.get('/profile')).text).not.toContain('id="new-token"');
  });
});

// ---------------------------------------------------------------- duplicates

describe('member add form: a person already registered elsewhere', () => {
  const identity = { lastName: 'Кузнецова', firstName: 'Вера', middleName: 'Ивановна', birthDate: '1970-05-05' };

  it('shows the duplicate warning without naming the other branch, and the button files a transfer request there', async () => {
    const existing = await buildMember({ org: t.primB1, ...identity, joinedAt: '2012-09-01' });
    const url = `/orgs/${t.primA1.id}/members/new`;
    const before = await counts();

    // Typed differently: case, spaces, Ё/Е do not hide the duplicate.
    const res = await postForm(
      chair,
      url,
      url,
      goodMember({
        lastName: ' КУЗНЕЦОВА ',
        firstName: 'вера',
        middleName: 'Ивановна',
        birthDate: '05.05.1970',
        joinedAt: '01.09.2012',
      }),
    );
    expect(res.status).toBe(409);
    expect(res.text).toContain('id="duplicate"');
    expect(res.text).toContain('Такой человек уже состоит в Профсоюзе в другой организации');
    // The chair cannot see Б1, so it is not named.
    expect(res.text).not.toContain(t.primB1.name);
    expect(res.text).toMatch(/<button class="btn">Запросить перевод в «ППО школы А1»<\/button>/);
    // The typed values stay in the add form.
    const addForm = formHtml(res.text, url);
    expect(inputValue(addForm, 'lastName')).toBe(' КУЗНЕЦОВА ');
    expect(inputValue(addForm, 'birthDate')).toBe('05.05.1970');
    expect(await counts()).toEqual(before);

    const hidden = hiddenFieldsOf(res.text, `/orgs/${t.primA1.id}/members/transfer-in`);
    // The member of another branch is not identified by id on the page.
    expect(hidden.memberId).toBeUndefined();
    expect(res.text).not.toContain(existing.memberId);
    expect(hidden._csrf).toBeTruthy();
    // The receiving side alone moves nobody from another branch: the button files a request there.
    const asked = await chair.post(`/orgs/${t.primA1.id}/members/transfer-in`).type('form').send(hidden);
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe('/transfer-requests');
    const m = await db().member.findUniqueOrThrow({ where: { id: existing.memberId } });
    expect(m.organisationId).toBe(t.primB1.id);
    const requests = await db().transferRequest.findMany({ where: { memberId: existing.memberId } });
    expect(requests).toEqual([
      expect.objectContaining({ fromOrgId: t.primB1.id, toOrgId: t.primA1.id, status: 'PENDING' }),
    ]);
    // One person, one membership: nothing was duplicated.
    const after = await counts();
    expect(after.members).toBe(before.members);
    expect(after.persons).toBe(before.persons);
  });

  it('names the organisation when the chair can see it', async () => {
    await buildMember({
      org: t.primA2,
      lastName: 'Зайцева',
      firstName: 'Ирина',
      middleName: 'Олеговна',
      birthDate: '1981-06-06',
    });
    const url = `/orgs/${t.primA1.id}/members/new`;
    const res = await postForm(
      chair,
      url,
      url,
      goodMember({ lastName: 'Зайцева', firstName: 'Ирина', middleName: 'Олеговна', birthDate: '06.06.1981' }),
    );
    expect(res.status).toBe(409);
    expect(res.text).toContain(`Этот человек уже состоит на учёте в «${t.primA2.name}»`);
  });

  it('ignores a memberId that does not match the typed person and moves nobody', async () => {
    const target = await buildMember({
      org: t.primB1,
      lastName: 'Волкова',
      firstName: 'Елена',
      middleName: 'Павловна',
      birthDate: '1975-01-01',
    });
    const decoy = await buildMember({
      org: t.primB1,
      lastName: 'Медведева',
      firstName: 'Дарья',
      middleName: 'Игоревна',
      birthDate: '1976-02-02',
    });
    const before = await counts();
    const res = await postForm(chair, `/orgs/${t.primA1.id}/members/new`, `/orgs/${t.primA1.id}/members/transfer-in`, {
      memberId: decoy.memberId,
      lastName: 'Волкова',
      firstName: 'Елена',
      middleName: 'Павловна',
      birthDate: '01.01.1975',
      category: 'WORKING',
      joinedAt: '01.09.2015',
      transferDate: ru(today()),
    });
    // The id sent is ignored: only the typed person is asked for, and only as a request; nothing moves.
    expect(res.status).toBe(303);
    expect(await counts()).toEqual(before);
    expect(await db().transferRequest.count({ where: { memberId: decoy.memberId } })).toBe(0);
    expect((await db().member.findUniqueOrThrow({ where: { id: decoy.memberId } })).organisationId).toBe(t.primB1.id);
    expect((await db().member.findUniqueOrThrow({ where: { id: target.memberId } })).organisationId).toBe(t.primB1.id);
  });
});
