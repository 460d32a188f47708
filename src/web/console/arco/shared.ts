import type { ContactKind } from '../../../domain/vocabulary.ts';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';

export type ArcoRequest =
  paths['/api/v1/arco-requests/{id}']['get']['responses'][200]['content']['application/json'];

/** The corrections a rectificación asks, as the API keeps them in `details`. */
export interface Corrections {
  name?: string;
  addContacts?: Array<{ kind: ContactKind; address: string }>;
  removeContacts?: Array<{ kind: ContactKind; address: string }>;
}

/** Reads a failed request's problem into state; anything else is a bug and is thrown on. */
export async function attempt(run: () => Promise<void>, setFailure: (error: ApiError | undefined) => void) {
  setFailure(undefined);
  try {
    await run();
  } catch (caught) {
    if (!(caught instanceof ApiError)) throw caught;
    setFailure(caught);
  }
}

/** As the API decides (arco.service.ts): admins, and supervisors of the request's area. */
export function mayDecide(session: { agent: { role: string }; me: { areaIds: number[] } }, areaId: number) {
  return (
    session.agent.role === 'admin' ||
    (session.agent.role === 'supervisor' && session.me.areaIds.includes(areaId))
  );
}

export type RefusalReason = NonNullable<ArcoRequest['refusalReason']>;
// A record, so the compiler says when the API gains or drops a reason.
const REASONS: Record<RefusalReason, true> = {
  identidad_no_acreditada: true,
  datos_no_tratados: true,
  obligacion_legal: true,
  solicitud_repetida: true,
  representacion_insuficiente: true,
};
export const REFUSAL_REASONS = Object.keys(REASONS) as RefusalReason[];
