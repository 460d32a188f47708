import { z } from 'zod';
import { REQUEST_TYPE_LABELS_ES, REQUEST_TYPES } from '../cases/request-types.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { receiptHtml, receiptOf, receiptPdf } from '../receipts/receipt.ts';
import { WeeklyHoursSchema } from '../sla/calendar.ts';
import { channelsOpenness } from './opening-hours.ts';
import {
  PortalCaseView,
  PortalLookup,
  PortalReply,
  PortalRequest,
  PortalRequestCreated,
} from './portal.schema.ts';
import { authorizeFolio, fileRequest, portalView, replyFromPortal } from './portal.service.ts';

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
// Attachments of up to 5 files of 10 MB, base64-encoded.
const PORTAL_BODY_LIMIT = 75 * 1024 * 1024;

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
      bodyLimit: PORTAL_BODY_LIMIT,
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
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
      bodyLimit: PORTAL_BODY_LIMIT,
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
}
