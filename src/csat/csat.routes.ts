import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { PORTAL_RATE_LIMIT } from '../portal/portal.routes.ts';
import { SurveyAnswer, SurveyTokenParams, SurveyView } from './csat.schema.ts';
import { answerByToken, surveyByToken } from './csat.service.ts';

/** The survey page's API: public, the link's token is the credential; rate-limited like the portal. */
export function csatRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['portal'];
  const security: Array<Record<string, string[]>> = [];

  app.get(
    '/portal/surveys/:token',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: "A satisfaction survey's question, folio and status, by its link's token",
        params: SurveyTokenParams,
        response: { 200: SurveyView },
      },
    },
    async (request) => surveyByToken(ctx, request.params.token),
  );

  app.post(
    '/portal/surveys/:token',
    {
      bodyLimit: 16 * 1024,
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: 'Answer a satisfaction survey once: a score from 1 to 5 and an optional comment',
        params: SurveyTokenParams,
        body: SurveyAnswer,
        response: { 200: SurveyView },
      },
    },
    async (request) => answerByToken(ctx, request.params.token, request.body),
  );
}
