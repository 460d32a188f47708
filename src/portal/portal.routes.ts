import { Transform } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { REQUEST_TYPE_LABELS_ES, REQUEST_TYPES } from '../cases/request-types.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { AppError } from '../http/errors.ts';
import { receiptHtml, receiptOf, receiptPdf } from '../receipts/receipt.ts';
import { WeeklyHoursSchema } from '../sla/calendar-spec.ts';
import { channelsOpenness } from './opening-hours.ts';
import { LARGEST_PORTAL_ATTACHMENTS, portalAttachmentLimits, portalBodyLimit } from './portal.limits.ts';
import {
  PortalCaseView,
  PortalLookup,
  PortalReply,
  PortalRequest,
  PortalRequestCreated,
  PortalVerificationCode,
  PortalVerificationSent,
} from './portal.schema.ts';
import { authorizeFolio, fileRequest, portalView, replyFromPortal } from './portal.service.ts';
import { confirmVerificationCode, sendVerificationCode } from './verify.service.ts';

const ChannelStatus = z.object({
  code: z.string(),
  channel: z.string(),
  name: z.string(),
  contactPoints: z.array(z.object({ kind: z.string(), value: z.string(), display: z.string() })),
  hours: WeeklyHoursSchema.nullable(),
  alwaysOpen: z.boolean(),
  openNow: z.boolean(),
  nextOpening: z.string().nullable(),
});
const PortalInfo = z.object({
  provider: z.object({ name: z.string(), legalName: z.string(), website: z.string(), timeZone: z.string() }),
  privacyNotice: z.object({ 'es-MX': z.string(), en: z.string().optional() }),
  requestTypes: z.array(z.object({ code: z.enum(REQUEST_TYPES), label: z.string() })),
  subtypes: z.array(z.object({ type: z.string(), code: z.string(), name: z.string() })),
});
/**
 * Per client address, counted before the body is read; generous, because Mexican mobile carriers put
 * thousands of customers behind one address (carrier-grade NAT). Folios have limits of their own.
 */
export const PORTAL_RATE_LIMIT = { max: 30, timeWindow: '1 minute' } as const;

const tooLarge = (limit: number) =>
  new AppError('request.too_large', { status: 413, detail: `The body may have at most ${limit} bytes` });

/**
 * Holds a request or reply to the body limit of the attachments the provider's settings allow now: a
 * declared length over it is refused before anything is read, and a body sent without one (chunked) is
 * cut off where it passes it. The route's own `bodyLimit` is the most any settings may allow.
 */
const withinSettingsLimit =
  (ctx: AppContext) => async (request: FastifyRequest, _reply: unknown, payload: NodeJS.ReadableStream) => {
    const { settings } = await ctx.settings.current(ctx.db);
    const limit = portalBodyLimit(portalAttachmentLimits(settings));
    if (Number(request.headers['content-length']) > limit) throw tooLarge(limit);
    let received = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > limit ? tooLarge(limit) : null, chunk);
      },
    });
    // Not `pipeline`: that would destroy the request itself, leaving no connection to answer 413 on.
    payload.on('error', (error) => counted.destroy(error));
    return payload.pipe(counted);
  };

/** The public API the customer portal uses: no login, a folio plus a second factor instead. */
export function portalRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['portal'];
  const security: Array<Record<string, string[]>> = [];

  app.get(
    '/portal/info',
    {
      schema: {
        tags,
        security,
        summary: "The provider's name, privacy notice and the request types",
        response: { 200: PortalInfo },
      },
    },
    async () => {
      const { settings } = await ctx.settings.current(ctx.db);
      return {
        provider: {
          name: settings.provider.name,
          legalName: settings.provider.legalName,
          website: settings.provider.website,
          timeZone: settings.provider.timeZone,
        },
        privacyNotice: settings.provider.privacyNotice,
        requestTypes: REQUEST_TYPES.map((code) => ({ code, label: REQUEST_TYPE_LABELS_ES[code] })),
        subtypes: settings.requestSubtypes,
      };
    },
  );

  app.get(
    '/portal/channels',
    {
      schema: {
        tags,
        security,
        summary: 'Every channel, its hours per weekday and whether it is open now',
        response: { 200: z.array(ChannelStatus) },
      },
    },
    async () => channelsOpenness((await ctx.settings.current(ctx.db)).settings, ctx.clock.now()),
  );

  app.post(
    '/portal/requests',
    {
      bodyLimit: portalBodyLimit(LARGEST_PORTAL_ATTACHMENTS),
      preParsing: withinSettingsLimit(ctx),
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: 'File a request; answers its folio',
        body: PortalRequest,
        response: { 201: PortalRequestCreated, 200: PortalRequestCreated },
      },
    },
    async (request, reply) => {
      const { duplicate, ...created } = await fileRequest(ctx, request.body);
      return reply.status(duplicate ? 200 : 201).send(created);
    },
  );

  app.post(
    '/portal/lookup',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: 'A folio with the phone or e-mail on file → status, deadline, messages',
        body: PortalLookup,
        response: { 200: PortalCaseView },
      },
    },
    async (request) => {
      const kase = await authorizeFolio(ctx, request.body, request.ip);
      return portalView(ctx, kase.id, ctx.clock.now());
    },
  );

  app.post(
    '/portal/replies',
    {
      bodyLimit: portalBodyLimit(LARGEST_PORTAL_ATTACHMENTS),
      preParsing: withinSettingsLimit(ctx),
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: "The customer's reply on a folio (with the second factor)",
        body: PortalReply,
        response: { 200: PortalCaseView },
      },
    },
    async (request) => replyFromPortal(ctx, request.body, request.ip),
  );

  app.post(
    '/portal/receipt',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: 'The written receipt of a request, as a printable HTML page or a PDF',
        body: PortalLookup.extend({ format: z.enum(['html', 'pdf']).default('html') }),
      },
    },
    async (request, reply) => {
      const kase = await authorizeFolio(ctx, request.body, request.ip);
      const receipt = await receiptOf(ctx, kase.id, ctx.clock.now());
      if (request.body.format === 'pdf') {
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="acuse-${receipt.folio}.pdf"`)
          .send(await receiptPdf(receipt));
      }
      return reply.type('text/html; charset=utf-8').send(receiptHtml(receipt));
    },
  );

  app.post(
    '/portal/verify',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: 'Send a code to the contact the case was filed with, as the account holder has it on file',
        body: PortalLookup,
        response: { 202: PortalVerificationSent },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await sendVerificationCode(ctx, request.body, request.ip)),
  );

  app.post(
    '/portal/verify/confirm',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags,
        security,
        summary: 'Give back the code: the case is linked to the account the contact belongs to',
        body: PortalVerificationCode,
        response: { 200: PortalCaseView },
      },
    },
    async (request) => confirmVerificationCode(ctx, request.body, request.ip),
  );
}
