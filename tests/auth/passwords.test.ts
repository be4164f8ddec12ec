import { api, bearer, buildTree, loginAs, PASSWORD, postForm, useDb, userWith, type Tree } from '../helpers';
import { fieldError, inputValue } from '../forms/html';
import { db } from '../../src/db';
import { today } from '../../src/lib/dates';
import { ru } from '../forms/html';
import { passwordProblem } from '../../src/modules/auth/passwords';
import { createAdmin } from '../../src/modules/users/admin.repo';

useDb();

let t: Tree;
beforeAll(async () => {
  t = await buildTree();
});

describe('password strength (zxcvbn, with the login and name as guesses)', () => {
  it.each(['Password12345', 'Qwerty123456', 'Reestr-demo-2026', 'ivanov.petr1', 'Ivanov1985!'])('refuses %s', (p) => {
    expect(passwordProblem(p, { login: 'ivanov.petr', fullName: 'Иванов Пётр Сергеевич' })).toMatch(
      /слишком простой|опубликован/,
    );
  });
  it('accepts a long passphrase', () => {
    expect(passwordProblem('Lipa-veter-stol-42', { login: 'ivanov.petr' })).toBeNull();
  });
});

describe('every place that sets a password refuses a weak one', () => {
  it('the new-user form: a Russian message on the field, the other typed fields kept, nobody created', async () => {
    const chair = await loginAs((await userWith('CHAIR', t.regionA)).login);
    const res = await postForm(chair, '/users/new', '/users/new', {
      fullName: 'Петров Пётр Петрович',
      login: 'petrov.weak',
      email: 'petrov@example.ru',
      password: 'Password12345',
      role: 'REGISTRAR',
      organisationId: t.terrA1.id,
      startsOn: ru(today()),
      endsOn: '',
    });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'password')).toMatch(/слишком простой/);
    expect(inputValue(res.text, 'login')).toBe('petrov.weak');
    expect(inputValue(res.text, 'fullName')).toBe('Петров Пётр Петрович');
    expect(inputValue(res.text, 'password')).toBe('');
    expect(await db().user.count({ where: { login: 'petrov.weak' } })).toBe(0);
  });

  it('the own password change refuses the published demo password and one made of the login', async () => {
    const u = await userWith('CHAIR', t.primA1);
    const agent = await loginAs(u.login);
    for (const next of ['Reestr-demo-2026', `${u.login}2024`]) {
      const res = await postForm(agent, '/profile', '/profile/password', { current: PASSWORD, next, repeat: next });
      expect(res.status).toBe(400);
      expect(fieldError(res.text, 'next')).toMatch(/опубликован|слишком простой|не короче/);
    }
  });

  it('the API (POST /api/v1/users) answers 400 on the password field', async () => {
    const admin = await userWith('CHAIR', t.regionA);
    const res = await api()
      .post('/api/v1/users')
      .set('Authorization', await bearer(admin.id))
      .send({
        login: 'api.weak',
        fullName: 'Сидоров Иван',
        password: 'Qwerty123456',
        assignments: [{ organisationId: t.terrA1.id, role: 'VIEWER' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.password).toMatch(/слишком простой/);
  });

  it('the CLI admin:create refuses a common password', async () => {
    await expect(
      createAdmin({ login: 'cli.admin', fullName: 'Админ Админович', password: 'Password12345', centralName: 'ЦС' }),
    ).rejects.toThrow(/слишком простой/);
  });
});
