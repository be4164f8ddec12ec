import { api, bearer, buildTree, useDb, userWith } from '../helpers';
import { genderFromPatronymic } from '../../src/lib/names';

useDb();

describe('gender is optional (API.md): taken from the patronymic where it tells, else «не указан» (null)', () => {
  it.each([
    ['Сергеевна', 'FEMALE'],
    ['Ильинична', 'FEMALE'],
    ['Алиевна', 'FEMALE'],
    ['Мамед кызы', 'FEMALE'],
    ['Петрович', 'MALE'],
    ['Ильич', 'MALE'],
    ['Фуад оглы', 'MALE'],
    ['', null],
    ['Смит', null],
  ])('%j → %s', (m, g) => {
    expect(genderFromPatronymic(m)).toBe(g);
  });

  it('the API accepts a member without gender and stores what the patronymic tells, or null', async () => {
    const t = await buildTree();
    const auth = await bearer((await userWith('CHAIR', t.primA1)).id);
    const make = async (lastName: string, middleName?: string) => {
      const res = await api()
        .post(`/api/v1/orgs/${t.primA1.id}/members`)
        .set('Authorization', auth)
        .send({
          lastName,
          firstName: 'Саша',
          ...(middleName ? { middleName } : {}),
          birthDate: '1990-01-01',
          category: 'WORKING',
          joinedAt: '2015-01-01',
          consents: { processing: true },
        });
      expect(res.status).toBe(201);
      return res.body.gender as string | null;
    };
    expect(await make('Женская', 'Сергеевна')).toBe('FEMALE');
    expect(await make('Мужской', 'Сергеевич')).toBe('MALE');
    expect(await make('Безотчествов')).toBeNull();
  });
});
