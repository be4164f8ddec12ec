import { db } from '../../db';
import { AppError } from '../../http/errors';
import type { SurveyKind } from '../../generated/prisma/enums';
import type { Actor } from '../../policy/actor';
import { audienceColumns, audienceOf, type Audience } from '../audience/audience.input';
import { freezeAudience, markDone } from '../audience/audience.repo';
import { audit } from '../audit/audit.repo';
import { checkAnswers, scoreOf, type Question, type Raw } from './answers';
import type { QuestionInput } from './surveys.input';
import { addRespondent, insertQuestions, lockSurvey, storeResponse, type SurveyFull } from './surveys.repo';
import { cutText } from '../../lib/text';

export interface SurveyMeta {
  title: string;
  instructions?: string;
  kind: SurveyKind;
  anonymous?: boolean;
  opensAt?: Date;
  closesAt: Date;
  passPercent?: number;
  scoreAfterClose?: boolean;
}

const asQuestions = (qs: QuestionInput[]): Omit<Question, 'id'>[] =>
  qs.map((q) => ({
    code: q.code,
    text: q.text,
    type: q.type,
    points: q.points ?? (q.options?.some((o) => o.correct) ? 1 : 0),
    options: (q.options ?? []).map((o) => ({ id: '', code: o.code, text: o.text, correct: o.correct ?? false })),
  }));

/**
 * Creates a survey; `publish` freezes its audience at once (the API), otherwise it stays a draft whose questions
 * are added on its page. One transaction with the audit row.
 */
export async function createSurvey(
  actor: Actor,
  org: { id: string; path: string },
  m: SurveyMeta,
  audience: Audience,
  questions: QuestionInput[],
  publish: boolean,
): Promise<{ id: string; addressed: number }> {
  return db().$transaction(async (tx) => {
    const s = await tx.survey.create({
      data: {
        organisationId: org.id,
        title: m.title,
        instructions: m.instructions ?? '',
        kind: m.kind,
        anonymous: m.anonymous ?? false,
        opensAt: m.opensAt ?? new Date(),
        closesAt: m.closesAt,
        passPercent: m.kind === 'TEST' ? (m.passPercent ?? null) : null,
        scoreAfterClose: m.scoreAfterClose ?? false,
        ...audienceColumns(audience),
        createdById: actor.userId,
      },
      select: { id: true },
    });
    await insertQuestions(tx, s.id, 0, asQuestions(questions));
    let addressed = 0;
    if (publish) {
      addressed = await freezeAudience(tx, { type: 'SURVEY', id: s.id }, org, audience);
      await tx.survey.update({
        where: { id: s.id },
        data: { status: 'PUBLISHED', publishedAt: new Date(), addressed },
      });
    }
    await audit(
      actor,
      {
        action: 'survey.published',
        entity: 'Survey',
        entityId: s.id,
        organisationId: org.id,
        rowCount: addressed,
        details: { published: publish, questions: questions.length },
      },
      tx,
    );
    return { id: s.id, addressed };
  });
}

export async function publishSurvey(actor: Actor, s: SurveyFull) {
  if (s.status === 'PUBLISHED') return s.addressed;
  if (!s.questions.length) throw new AppError('UNPROCESSABLE', 'Добавьте хотя бы один вопрос');
  return db().$transaction(async (tx) => {
    const addressed = await freezeAudience(tx, { type: 'SURVEY', id: s.id }, s.organisation, audienceOf(s));
    await tx.survey.update({ where: { id: s.id }, data: { status: 'PUBLISHED', publishedAt: new Date(), addressed } });
    await audit(
      actor,
      {
        action: 'survey.published',
        entity: 'Survey',
        entityId: s.id,
        organisationId: s.organisationId,
        rowCount: addressed,
      },
      tx,
    );
    return addressed;
  });
}

/** Changes the structure (questions) while no answer exists; afterwards refused (a copy can be made). */
export async function changeStructure(
  actor: Actor,
  s: SurveyFull,
  change:
    | { op: 'add'; question: QuestionInput }
    | { op: 'delete'; questionId: string }
    | { op: 'move'; questionId: string; by: -1 | 1 },
) {
  await db().$transaction(async (tx) => {
    const locked = await lockSurvey(tx, s.id);
    if (!locked) throw new AppError('NOT_FOUND');
    if (locked.lockedAt)
      throw new AppError('CONFLICT', 'Ответы уже поступили: вопросы менять нельзя. Сделайте копию опроса');
    const qs = s.questions;
    if (change.op === 'add') {
      if (qs.some((q) => q.code === change.question.code))
        throw new AppError('BAD_REQUEST', undefined, { code: 'Такой код вопроса уже есть' });
      await insertQuestions(tx, s.id, Math.max(0, ...qs.map((q) => q.position)), asQuestions([change.question]));
    } else {
      const i = qs.findIndex((q) => q.id === change.questionId);
      if (i < 0) throw new AppError('NOT_FOUND');
      if (change.op === 'delete') {
        await tx.surveyOption.deleteMany({ where: { questionId: change.questionId } });
        await tx.surveyQuestion.delete({ where: { id: change.questionId } });
      } else {
        const j = i + change.by;
        if (j >= 0 && j < qs.length) {
          // Swap positions through a free value (positions are not unique, but keep them distinct).
          await tx.surveyQuestion.update({ where: { id: qs[i].id }, data: { position: qs[j].position } });
          await tx.surveyQuestion.update({ where: { id: qs[j].id }, data: { position: qs[i].position } });
        }
      }
    }
    await tx.survey.update({ where: { id: s.id }, data: { updatedAt: new Date() } });
    await audit(
      actor,
      {
        action: 'survey.updated',
        entity: 'Survey',
        entityId: s.id,
        organisationId: s.organisationId,
        details: { op: change.op },
      },
      tx,
    );
  });
}

/** A copy of the survey as a new draft (same questions and audience), e.g. after the structure locked. */
export async function copySurvey(actor: Actor, s: SurveyFull): Promise<string> {
  return db().$transaction(async (tx) => {
    const c = await tx.survey.create({
      data: {
        organisationId: s.organisationId,
        title: cutText(`${s.title} (копия)`, 300),
        instructions: s.instructions,
        kind: s.kind,
        anonymous: s.anonymous,
        opensAt: new Date(),
        closesAt: new Date(Math.max(s.closesAt.getTime(), Date.now() + 7 * 86400_000)),
        passPercent: s.passPercent,
        scoreAfterClose: s.scoreAfterClose,
        ...audienceColumns(audienceOf(s)),
        copiedFromId: s.id,
        createdById: actor.userId,
      },
      select: { id: true },
    });
    await insertQuestions(tx, c.id, 0, s.questions);
    await audit(
      actor,
      { action: 'survey.copied', entity: 'Survey', entityId: c.id, organisationId: s.organisationId },
      tx,
    );
    return c.id;
  });
}

export type RespondResult =
  { status: 'CREATED' | 'REPLACED'; score: number | null } | { status: 'INVALID'; code: string; message: string };

/**
 * Stores the actor's answers. Closed or not yet open → 409; a bad answer names its question. A named survey's
 * answers may be replaced until closing; an anonymous survey's cannot (nothing links them to the user any more).
 */
export async function respond(actor: Actor, s: SurveyFull, raw: Record<string, Raw>): Promise<RespondResult> {
  const userId = actor.userId;
  if (!userId) throw new AppError('FORBIDDEN');
  const checked = checkAnswers(s.questions, raw);
  if ('code' in checked) return { status: 'INVALID', ...checked };
  const score = s.kind === 'TEST' ? scoreOf(s.questions, checked.rows) : null;
  return db().$transaction(async (tx) => {
    const locked = await lockSurvey(tx, s.id);
    if (!locked) throw new AppError('NOT_FOUND');
    const now = new Date();
    if (now < locked.opensAt) throw new AppError('CONFLICT', 'Опрос ещё не открыт');
    if (now >= locked.closesAt) throw new AppError('CONFLICT', 'Опрос закрыт: ответы больше не принимаются');
    const first = await addRespondent(tx, s.id, userId);
    if (!first && s.anonymous)
      throw new AppError('CONFLICT', 'Вы уже ответили. В анонимном опросе ответ изменить нельзя: он не связан с вами');
    await storeResponse(tx, s.id, s.anonymous ? null : userId, score, checked.rows);
    if (!locked.lockedAt) await tx.survey.update({ where: { id: s.id }, data: { lockedAt: now } });
    if (first) await markDone(tx, { type: 'SURVEY', id: s.id }, userId);
    // An anonymous answer leaves no audit row: its time next to the user would undo the anonymity.
    if (!s.anonymous)
      await audit(
        actor,
        { action: 'survey.answered', entity: 'Survey', entityId: s.id, organisationId: s.organisationId },
        tx,
      );
    return { status: first ? 'CREATED' : 'REPLACED', score };
  });
}

/**
 * A draft's settings and audience (its audience is frozen only at publication). Only a draft: a survey published
 * meanwhile is a conflict and nothing changes. The kind stays as created (the questions depend on it).
 */
export async function updateDraft(
  actor: Actor,
  s: Pick<SurveyFull, 'id' | 'organisationId' | 'kind'>,
  m: Omit<SurveyMeta, 'kind'>,
  audience: Audience,
) {
  await db().$transaction(async (tx) => {
    const r = await tx.survey.updateMany({
      where: { id: s.id, status: 'DRAFT' },
      data: {
        title: m.title,
        instructions: m.instructions ?? '',
        anonymous: m.anonymous ?? false,
        opensAt: m.opensAt ?? new Date(),
        closesAt: m.closesAt,
        passPercent: s.kind === 'TEST' ? (m.passPercent ?? null) : null,
        scoreAfterClose: m.scoreAfterClose ?? false,
        ...audienceColumns(audience),
        updatedAt: new Date(),
      },
    });
    if (r.count !== 1)
      throw new AppError('CONFLICT', 'Опрос уже опубликован: его настройки и адресаты не меняются. Сделайте копию');
    await audit(
      actor,
      {
        action: 'survey.updated',
        entity: 'Survey',
        entityId: s.id,
        organisationId: s.organisationId,
        details: { op: 'settings' },
      },
      tx,
    );
  });
}
