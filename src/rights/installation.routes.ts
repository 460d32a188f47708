import { FolioParams } from '../accounts/accounts.schema.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { ContractSigningRequest, InstallationRequest, InstallationResponse } from './installation.schema.ts';
import { recordContractSigning, recordInstallation } from './installation.service.ts';

/** A contratación case's service from the signing of its contract to its installation. */
export function installationRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['rights'];
  app.post(
    '/cases/:folio/contract-signing',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Record the signing of the contract of the case’s service: the installation is due within the rights’ business days',
        params: FolioParams,
        body: ContractSigningRequest,
        response: { 200: InstallationResponse },
      },
    },
    async (request) => recordContractSigning(ctx, request.params.folio, request.body, actorOf(request)),
  );
  app.post(
    '/cases/:folio/installation',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Record the installation of the case’s service: it becomes activo; if late, its refund is proposed to a supervisor',
        params: FolioParams,
        body: InstallationRequest,
        response: { 200: InstallationResponse },
      },
    },
    async (request) => recordInstallation(ctx, request.params.folio, request.body, actorOf(request)),
  );
}
