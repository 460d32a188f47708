import { accountsRoutes } from './accounts/accounts.routes.ts';
import { importRoutes } from './accounts/import/import.routes.ts';
import { paymentsRoutes } from './accounts/payments.routes.ts';
import { pinRoutes } from './accounts/pin.routes.ts';
import { agentsRoutes } from './agents/agents.routes.ts';
import { areasRoutes } from './areas/areas.routes.ts';
import { attachmentsRoutes } from './attachments/attachments.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { databaseAuthenticator } from './auth/auth.service.ts';
import { backupRoutes } from './backup/backup.routes.ts';
import { callsRoutes } from './calls/calls.routes.ts';
import { casesRoutes } from './cases/cases.routes.ts';
import { quarantineRoutes } from './channels/quarantine.routes.ts';
import { webhookRoutes } from './channels/webhooks.routes.ts';
import type { AppContext } from './context.ts';
import { conversationsRoutes } from './conversations/conversations.routes.ts';
import { csatRoutes } from './csat/csat.routes.ts';
import { customersRoutes } from './customers/customers.routes.ts';
import { evidenceRoutes } from './evidence/evidence.routes.ts';
import { serviceOrderRoutes } from './field/service-orders.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import type { HttpApp, HttpParts } from './http/app.ts';
import { incidentsRoutes, statusPageRoutes } from './incidents/incidents.routes.ts';
import { liveRoutes } from './live/live.routes.ts';
import { portalRepresentativesRoutes } from './portal/portal.representatives.routes.ts';
import { portalRoutes } from './portal/portal.routes.ts';
import { accessExportRoutes } from './privacy/access-export.routes.ts';
import { arcoRoutes } from './privacy/arco.routes.ts';
import { breachRoutes } from './privacy/breach.routes.ts';
import { consentRoutes } from './privacy/consent.routes.ts';
import { promotionsRoutes } from './privacy/promotions.routes.ts';
import { regulatorReportsRoutes } from './reports/regulator-reports.routes.ts';
import { cancellationRoutes } from './rights/cancellation.routes.ts';
import { caseSuspensionRoutes } from './rights/case-suspension.routes.ts';
import { compensationsRoutes } from './rights/compensations.routes.ts';
import { conciliationRoutes } from './rights/conciliation.routes.ts';
import { installationRoutes } from './rights/installation.routes.ts';
import { suspensionRoutes } from './rights/suspension.routes.ts';
import { settingsRoutes } from './settings/settings.routes.ts';
import { settingsPreviewRoutes } from './settings-preview/settings-preview.routes.ts';
import { flagsRoutes } from './sla/flags.routes.ts';
import { statsRoutes } from './stats/stats.routes.ts';
import { databaseRateLimitStore } from './throttles/rate-limit-store.ts';
import { webhooksRoutes } from './webhooks/webhooks.routes.ts';

/**
 * The composition root of the HTTP server: every feature's routes, and the pieces the framework in
 * src/http needs from the features. A new domain adds its routes here, and src/http never changes.
 */
export function httpParts(ctx: AppContext): HttpParts {
  return {
    authenticator: databaseAuthenticator(ctx.db),
    rateLimitStore: databaseRateLimitStore(ctx.db, ctx.clock),
    apiRoutes(api: HttpApp) {
      healthRoutes(api, ctx);
      authRoutes(api, ctx);
      agentsRoutes(api, ctx);
      areasRoutes(api, ctx);
      settingsRoutes(api, ctx);
      settingsPreviewRoutes(api, ctx);
      backupRoutes(api, ctx);
      customersRoutes(api, ctx);
      conversationsRoutes(api, ctx);
      accountsRoutes(api, ctx);
      casesRoutes(api, ctx);
      flagsRoutes(api, ctx);
      portalRoutes(api, ctx);
      portalRepresentativesRoutes(api, ctx);
      csatRoutes(api, ctx);
      callsRoutes(api, ctx);
      pinRoutes(api, ctx);
      liveRoutes(api, ctx);
      attachmentsRoutes(api, ctx);
      quarantineRoutes(api, ctx);
      paymentsRoutes(api, ctx);
      importRoutes(api, ctx);
      cancellationRoutes(api, ctx);
      conciliationRoutes(api, ctx);
      installationRoutes(api, ctx);
      serviceOrderRoutes(api, ctx);
      suspensionRoutes(api, ctx);
      incidentsRoutes(api, ctx);
      compensationsRoutes(api, ctx);
      caseSuspensionRoutes(api, ctx);
      accessExportRoutes(api, ctx);
      evidenceRoutes(api, ctx);
      arcoRoutes(api, ctx);
      consentRoutes(api, ctx);
      breachRoutes(api, ctx);
      statsRoutes(api, ctx);
      promotionsRoutes(api, ctx);
      regulatorReportsRoutes(api, ctx);
      webhooksRoutes(api, ctx);
    },
    async otherRoutes(app: HttpApp) {
      statusPageRoutes(app, ctx);
      await app.register(async (webhooks) =>
        webhookRoutes(webhooks, ctx, [
          { path: 'whatsapp', channel: 'whatsapp' },
          { path: 'messenger', channel: 'facebook' },
        ]),
      );
    },
  };
}
