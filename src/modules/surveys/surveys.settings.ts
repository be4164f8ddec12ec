import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { formatDateTime } from '../../lib/dates';
import { audienceForm } from '../audience/audience.presenter';
import { audienceChildren } from '../audience/audience.repo';
import { audienceFromFields } from '../audience/audience.fields';
import { idParams } from '../organisations/organisations.input';
import { loadOwned } from './surveys.access';
import { surveyFormInput } from './surveys.input';
import type { SurveyFull } from './surveys.repo';
import { updateDraft } from './surveys.service';

const moscowInput = (d: Date) => formatDateTime(d).replace(',', '');
const KIND_LABELS = { SURVEY: 'Опрос', TEST: 'Тест (с правильными ответами и баллами)' } as const;

/** The stored draft as the form's values. */
function valuesOf(s: SurveyFull): Record<string, unknown> {
  return {
    title: s.title,
    instructions: s.instructions,
    kind: s.kind,
    anonymous: s.anonymous ? 'on' : '',
    scoreAfterClose: s.scoreAfterClose ? 'on' : '',
    opensAt: moscowInput(s.opensAt),
    closesAt: moscowInput(s.closesAt),
    passPercent: s.passPercent ?? '',
    audienceKinds: s.audienceKinds,
    audienceRoles: s.audienceRoles,
    audienceOrgIds: s.audienceOrgIds,
  };
}

/** Only a draft's settings change; a published survey is a conflict (a copy can be made). */
function draftOnly(s: SurveyFull): void {
  if (s.status !== 'DRAFT')
    throw new AppError('CONFLICT', 'Опрос уже опубликован: его настройки и адресаты не меняются. Сделайте копию');
}

async function renderSettings(
  ctx: Ctx,
  s: SurveyFull,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const org = s.organisation;
  const aErrors: Record<string, string> = {};
  for (const k of ['kinds', 'roles', 'orgIds', 'members']) {
    const e = errors[`audience${k.charAt(0).toUpperCase()}${k.slice(1)}`];
    if (e) aErrors[k] = e;
  }
  await renderPage(
    ctx.res,
    'surveys/new',
    {
      title: `Настройки: ${s.title}`,
      org: { id: org.id, name: org.shortName ?? org.name },
      draft: { id: s.id, title: s.title, kindLabel: KIND_LABELS[s.kind] },
      values: { ...values, kind: s.kind },
      errors,
      kinds: [],
      audience: audienceForm(org, await audienceChildren(org.id), values, aErrors),
    },
    status,
  );
}

/** A draft survey's settings and audience, editable until publication. */
export function surveySettingsPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/surveys/:id/settings',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        draftOnly(s);
        await renderSettings(ctx, s, valuesOf(s), {});
      },
    }),
    route({
      method: 'post',
      path: '/surveys/:id/settings',
      kind: 'page',
      action: 'survey.publish',
      params: idParams,
      async handler(ctx) {
        const s = await loadOwned(ctx, ctx.params.id);
        draftOnly(s);
        const body = ctx.body as Record<string, unknown>;
        const parsed = surveyFormInput.safeParse({ ...body, kind: s.kind });
        const audience = await audienceFromFields(body, s.organisation);
        const errors = parsed.success ? {} : fieldErrors(parsed.error);
        if ('errors' in audience) Object.assign(errors, audience.errors);
        if (!parsed.success || 'errors' in audience) return renderSettings(ctx, s, body, errors, 400);
        await updateDraft(ctx.actor, s, parsed.data, audience.audience);
        ctx.req.session.flash = 'Настройки и адресаты черновика сохранены';
        ctx.res.redirect(303, `/surveys/${s.id}/edit`);
      },
    }),
  ];
}
