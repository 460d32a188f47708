import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, NOTICE_REFUSALS } from '../../../domain/vocabulary.ts';
import commonEn from '../../shared/locales/en.json';
import commonEs from '../../shared/locales/es-MX.json';
import type { CaseEvent } from '../../shared/types.ts';
import consoleEn from '../locales/en.json';
import consoleEs from '../locales/es-MX.json';
import { eventSentence, type SentenceContext } from './timeline-sentence.ts';

/** The kinds of event the server records: the one list the server's events are typed by. */
const SERVER_KINDS: readonly string[] = EVENT_KINDS;

const LUIS = 'a1';
const ANA = 'a2';
const SOFIA = 'a3';
const NAMES: Record<string, string> = { [LUIS]: 'Luis', [ANA]: 'Ana', [SOFIA]: 'Sofía' };
const AREAS: Record<number, string> = { 1: 'Atención a quejas', 2: 'Facturación y cobranza' };

let id = 0;
const event = (
  kind: string,
  actor: Pick<CaseEvent, 'actorKind'> & { agent?: string },
  rest: Partial<Pick<CaseEvent, 'before' | 'after' | 'reason'>> = {},
): CaseEvent => ({
  id: ++id,
  kind,
  subject: { kind: 'case', id: 'c1' },
  actorKind: actor.actorKind,
  actorAgentId: actor.agent ?? null,
  actorRule: actor.actorKind === 'sistema' ? 'registro_previo' : null,
  before: rest.before ?? null,
  after: rest.after ?? null,
  reason: rest.reason ?? null,
  note: null,
  noteErased: false,
  at: '2026-05-04T16:00:00.000Z',
});
const luis = { actorKind: 'agente' as const, agent: LUIS };
const ana = { actorKind: 'agente' as const, agent: ANA };
const system = { actorKind: 'sistema' as const };
const customer = { actorKind: 'cliente' as const };

/** Every kind in every situation it is recorded in, and what it must say in each language. */
const TABLE: Array<[string, CaseEvent, { es: string; en: string }]> = [
  [
    'created',
    event('created', customer, { after: { channel: 'whatsapp' } }),
    { es: 'Laura Méndez abrió el caso por WhatsApp', en: 'Laura Méndez opened the case on WhatsApp' },
  ],
  [
    'created',
    event('created', { actorKind: 'representante' }, { after: { channel: 'portal' } }),
    {
      es: 'Un representante del cliente abrió el caso por Portal',
      en: 'A representative of the customer opened the case on Portal',
    },
  ],
  [
    'created',
    event('created', luis, { after: { channel: 'telefono' } }),
    { es: 'Luis registró el caso por Teléfono', en: 'Luis filed the case on Phone' },
  ],
  [
    'created',
    event('created', system, { after: { channel: 'email' } }),
    { es: 'El caso se abrió por Correo electrónico', en: 'The case was opened on E-mail' },
  ],
  [
    'status_changed',
    event('status_changed', luis, { before: { status: 'en_proceso' }, after: { status: 'resuelto' } }),
    {
      es: 'Luis cambió el estado de «En proceso» a «Resuelto»',
      en: 'Luis changed the status from “In progress” to “Resolved”',
    },
  ],
  [
    'status_changed',
    event('status_changed', customer, {
      before: { status: 'en_espera_cliente' },
      after: { status: 'en_proceso' },
      reason: 'customer_replied',
    }),
    {
      es: 'El cliente respondió: el caso pasó de «En espera del cliente» a «En proceso»',
      en: 'The customer answered: the case went from “Waiting on the customer” to “In progress”',
    },
  ],
  [
    'status_changed',
    event('status_changed', customer, {
      before: { status: 'resuelto' },
      after: { status: 'en_proceso' },
      reason: 'reopened_by_customer',
    }),
    {
      es: 'El cliente volvió a escribir: el caso se reabrió y pasó a «En proceso»',
      en: 'The customer wrote again: the case reopened as “In progress”',
    },
  ],
  [
    'status_changed',
    event('status_changed', system, {
      before: { status: 'resuelto' },
      after: { status: 'cerrado' },
      reason: 'reopen_window_ended',
    }),
    {
      es: 'El caso se cerró solo: pasó el plazo para reabrirlo',
      en: 'The case closed by itself: the time to reopen it ended',
    },
  ],
  [
    'transferred',
    event('transferred', ana, { before: { areaId: 1 }, after: { areaId: 2 }, reason: 'Es un cobro' }),
    {
      es: 'Ana turnó el caso de Atención a quejas a Facturación y cobranza',
      en: 'Ana transferred the case from Atención a quejas to Facturación y cobranza',
    },
  ],
  [
    'transferred',
    event('transferred', system, { before: { areaId: 2 }, after: { areaId: 1 } }),
    {
      es: 'El caso se turnó de Facturación y cobranza a Atención a quejas',
      en: 'The case was transferred from Facturación y cobranza to Atención a quejas',
    },
  ],
  [
    'assigned',
    event('assigned', luis, { before: { assigneeId: null }, after: { assigneeId: LUIS } }),
    { es: 'Luis tomó el caso', en: 'Luis took the case' },
  ],
  [
    'assigned',
    event('assigned', ana, { before: { assigneeId: null }, after: { assigneeId: LUIS } }),
    { es: 'Ana asignó el caso a Luis', en: 'Ana assigned the case to Luis' },
  ],
  [
    'assigned',
    event('assigned', ana, { before: { assigneeId: LUIS }, after: { assigneeId: SOFIA } }),
    { es: 'Ana reasignó el caso de Luis a Sofía', en: 'Ana reassigned the case from Luis to Sofía' },
  ],
  [
    'assigned',
    event('assigned', system, { after: { assigneeId: LUIS }, reason: 'round_robin' }),
    {
      es: 'El caso se asignó automáticamente a Luis (por turnos)',
      en: 'The case was assigned automatically to Luis (round robin)',
    },
  ],
  [
    'assigned',
    event('assigned', system, {
      before: { assigneeId: LUIS },
      after: { assigneeId: null },
      reason: 'agent_disconnected',
    }),
    {
      es: 'Luis se desconectó: el caso volvió a la cola de su área',
      en: "Luis went offline: the case went back to the area's queue",
    },
  ],
  [
    'assigned',
    event('assigned', luis, { before: { assigneeId: LUIS }, after: { assigneeId: null } }),
    { es: 'Luis devolvió el caso a la cola de su área', en: "Luis put the case back in the area's queue" },
  ],
  [
    'priority_changed',
    event('priority_changed', luis, { before: { priority: 'normal' }, after: { priority: 'urgente' } }),
    {
      es: 'Luis cambió la prioridad de Normal a Urgente',
      en: 'Luis changed the priority from Normal to Urgent',
    },
  ],
  [
    'type_changed',
    event('type_changed', luis, { before: { requestType: 'duda' }, after: { requestType: 'queja' } }),
    { es: 'Luis cambió el tipo de Duda a Queja', en: 'Luis changed the type from Question to Complaint' },
  ],
  [
    'message_added',
    event('message_added', customer, { after: { kind: 'entrante' } }),
    { es: 'Laura Méndez escribió un mensaje', en: 'Laura Méndez wrote a message' },
  ],
  [
    'message_added',
    event('message_added', luis, { after: { kind: 'entrante' } }),
    { es: 'Luis registró lo que dijo el cliente', en: 'Luis recorded what the customer said' },
  ],
  [
    'message_added',
    event('message_added', luis, { after: { kind: 'saliente' } }),
    { es: 'Luis respondió al cliente', en: 'Luis answered the customer' },
  ],
  [
    'message_added',
    event('message_added', system, { after: { kind: 'saliente', automatic: true } }),
    { es: 'Se envió un mensaje automático al cliente', en: 'An automatic message was sent to the customer' },
  ],
  [
    'message_added',
    event('message_added', luis, { after: { kind: 'nota_interna' } }),
    { es: 'Luis agregó una nota interna', en: 'Luis added an internal note' },
  ],
  [
    'arco_request_received',
    event('arco_request_received', ana, { after: { subtype: 'cancelacion', status: 'recibida' } }),
    {
      es: 'Ana registró una solicitud ARCO de cancelación',
      en: 'Ana registered an ARCO request for cancellation',
    },
  ],
  [
    'arco_identity_verified',
    event('arco_identity_verified', ana, { after: { method: 'representante_autorizado' } }),
    {
      es: 'Ana comprobó la identidad de quien ejerce el derecho ARCO como representante autorizado',
      en: 'Ana checked the identity of who exercises the ARCO right as an authorized representative',
    },
  ],
  [
    'arco_answered',
    event('arco_answered', luis, { after: { status: 'respondida', reason: null } }),
    {
      es: 'Luis respondió que la solicitud ARCO procede',
      en: 'Luis answered that the ARCO request is granted',
    },
  ],
  [
    'arco_answered',
    event('arco_answered', luis, { after: { status: 'improcedente', reason: 'datos_no_tratados' } }),
    {
      es: 'Luis respondió que la solicitud ARCO no procede: no se tratan esos datos',
      en: 'Luis answered that the ARCO request is refused: those data are not processed',
    },
  ],
  [
    'arco_executed',
    event('arco_executed', luis, { after: { status: 'ejecutada', subtype: 'rectificacion' } }),
    {
      es: 'Luis cumplió la solicitud ARCO de rectificación',
      en: 'Luis carried out the ARCO request for rectification',
    },
  ],
  [
    'customer_rectified',
    event('customer_rectified', luis, { after: { fields: ['name'] } }),
    {
      es: 'Luis corrigió los datos del cliente por una solicitud ARCO',
      en: "Luis corrected the customer's data on an ARCO request",
    },
  ],
  [
    'customer_anonymised',
    event('customer_anonymised', luis, { after: { retained: true } }),
    {
      es: 'Luis borró los datos personales del cliente por una solicitud ARCO',
      en: "Luis erased the customer's personal data on an ARCO request",
    },
  ],
  [
    'customer_retention_anonymised',
    event('customer_retention_anonymised', system),
    {
      es: 'Terminó la conservación: se anonimizó lo que la facturación guardaba del cliente',
      en: 'Retention ended: what billing kept of the customer was anonymised',
    },
  ],
  [
    'customer_merged',
    event('customer_merged', ana),
    { es: 'Ana unió el registro del cliente con otro', en: "Ana merged the customer's record with another" },
  ],
  [
    'customer_changed',
    event('customer_changed', ana, { reason: 'claim_confirmed' }),
    {
      es: 'Ana confirmó que el contacto es del titular: el caso pasó a su cuenta',
      en: "Ana confirmed the contact is the account holder's: the case moved to their account",
    },
  ],
  [
    'customer_changed',
    event('customer_changed', customer, { reason: 'claim_verified' }),
    {
      es: 'El cliente comprobó su contacto con un código: el caso pasó a su cuenta',
      en: 'The customer proved their contact with a code: the case moved to their account',
    },
  ],
  [
    'customer_changed',
    event('customer_changed', ana, { reason: 'claim_rejected' }),
    {
      es: 'Ana rechazó que el contacto sea del titular: el caso sigue como prospecto',
      en: "Ana rejected the contact as the account holder's: the case stays with a prospect",
    },
  ],
  [
    'customer_changed',
    event('customer_changed', system, { after: { contactPointAdded: {} } }),
    { es: 'Se actualizaron los datos del cliente', en: "The customer's details were updated" },
  ],
  [
    'representative_added',
    event('representative_added', luis),
    {
      es: 'Luis registró a un representante del cliente',
      en: 'Luis registered a representative of the customer',
    },
  ],
  [
    'representative_revoked',
    event('representative_revoked', luis),
    {
      es: 'Luis revocó la autorización de un representante',
      en: "Luis revoked a representative's authorization",
    },
  ],
  [
    'representative_verified',
    event('representative_verified', luis),
    {
      es: 'Luis verificó la carta poder de un representante',
      en: "Luis verified a representative's carta poder",
    },
  ],
  [
    'representative_notice_sent',
    event('representative_notice_sent', system),
    {
      es: 'Se avisó al cliente que un representante actuó en su nombre',
      en: 'The customer was told a representative acted on their behalf',
    },
  ],
  [
    'representative_out_of_scope',
    event('representative_out_of_scope', system, { after: { requestType: 'cancelacion' } }),
    {
      es: 'Quien escribió representa a otro cliente, pero no para Cancelación: el caso es suyo',
      en: 'The sender represents another customer, but not for Cancellation: the case is their own',
    },
  ],
  [
    'deadline_warning',
    event('deadline_warning', system, { after: { deadline: 'primera_respuesta' } }),
    {
      es: 'Aviso: el plazo de primera respuesta está por vencer',
      en: 'Warning: the first response deadline is about to expire',
    },
  ],
  [
    'deadline_breached',
    event('deadline_breached', system, { after: { deadline: 'resolucion' } }),
    { es: 'El plazo de resolución venció', en: 'The resolution deadline expired' },
  ],
  [
    'delivery_failed',
    event('delivery_failed', system, { after: { code: 131047 } }),
    {
      es: 'No se pudo entregar un mensaje al cliente',
      en: 'A message could not be delivered to the customer',
    },
  ],
  [
    'aviso_no_entregado',
    event('aviso_no_entregado', system, {
      after: {
        notice: 'estado_resuelto',
        tried: [
          { channel: 'whatsapp', reason: 'ventana_cerrada' },
          { channel: 'email', reason: 'sin_contacto' },
          { channel: 'facebook', reason: 'faltan_datos' },
        ],
      },
    }),
    {
      es: 'No se pudo enviar un aviso automático al cliente (WhatsApp: ventana de 24 h cerrada; Correo electrónico: sin contacto registrado; Messenger: faltan datos que pide el aviso)',
      en: 'An automatic notice could not be sent to the customer (WhatsApp: 24-hour window closed; E-mail: no contact on file; Messenger: data the notice needs is missing)',
    },
  ],
  [
    'aviso_no_entregado',
    event('aviso_no_entregado', system, {
      after: { notice: 'acuse', tried: [{ channel: 'email', reason: 'sin_plantilla' }] },
    }),
    {
      es: 'No se pudo enviar un aviso automático al cliente (Correo electrónico: sin texto para este aviso)',
      en: 'An automatic notice could not be sent to the customer (E-mail: no text for this notice)',
    },
  ],
  [
    'aviso_no_entregado',
    event('aviso_no_entregado', system, { after: { notice: 'estado_en_proceso', tried: [] } }),
    {
      es: 'No se pudo enviar un aviso automático al cliente: no hay canal escrito por el cual enviarlo',
      en: 'An automatic notice could not be sent to the customer: no written channel can carry it',
    },
  ],
  [
    'agent_created',
    event('agent_created', ana),
    { es: 'Ana dio de alta a un agente', en: 'Ana added an agent' },
  ],
  [
    'agent_changed',
    event('agent_changed', ana),
    { es: 'Ana cambió los datos de un agente', en: 'Ana changed an agent' },
  ],
  [
    'agent_password_reset',
    event('agent_password_reset', ana),
    { es: 'Ana restableció la contraseña de un agente', en: "Ana reset an agent's password" },
  ],
  [
    'api_token_created',
    event('api_token_created', ana),
    { es: 'Ana creó un token de API', en: 'Ana created an API token' },
  ],
  [
    'api_token_revoked',
    event('api_token_revoked', ana),
    { es: 'Ana revocó un token de API', en: 'Ana revoked an API token' },
  ],
  [
    'api_token_revoked',
    event('api_token_revoked', system, { reason: 'agent_deactivated' }),
    { es: 'Se revocó un token de API', en: 'An API token was revoked' },
  ],
  ['plan_created', event('plan_created', luis), { es: 'Luis dio de alta un plan', en: 'Luis added a plan' }],
  ['plan_changed', event('plan_changed', luis), { es: 'Luis cambió un plan', en: 'Luis changed a plan' }],
  ['zone_created', event('zone_created', luis), { es: 'Luis dio de alta una zona', en: 'Luis added a zone' }],
  ['zone_changed', event('zone_changed', system), { es: 'Cambió una zona', en: 'A zone changed' }],
  [
    'service_created',
    event('service_created', luis),
    { es: 'Luis dio de alta un servicio del cliente', en: 'Luis added a service of the customer' },
  ],
  [
    'service_changed',
    event('service_changed', luis),
    {
      es: 'Luis cambió los datos de un servicio del cliente',
      en: 'Luis changed a service of the customer',
    },
  ],
  [
    'service_status_changed',
    event('service_status_changed', luis, { before: { status: 'activo' }, after: { status: 'suspendido' } }),
    {
      es: 'Luis cambió el servicio de «Activo» a «Suspendido»',
      en: 'Luis changed the service from “Active” to “Suspended”',
    },
  ],
  [
    'ledger_entry_posted',
    event('ledger_entry_posted', ana, { after: { kind: 'bonificacion', amountCentavos: -35000 } }),
    {
      es: 'Ana registró un movimiento: Bonificación de -$350.00 MXN',
      en: 'Ana posted a movement: Credit of -$350.00 MXN',
    },
  ],
  [
    'case_service_changed',
    event('case_service_changed', luis, { after: { serviceId: 's1' } }),
    { es: 'Luis indicó el servicio del caso', en: "Luis named the case's service" },
  ],
  [
    'case_service_changed',
    event('case_service_changed', luis, { before: { serviceId: 's1' }, after: { serviceId: null } }),
    { es: 'Luis quitó el servicio del caso', en: "Luis removed the case's service" },
  ],
  [
    'customers_imported',
    event('customers_imported', ana, { after: { totalRows: 2000 } }),
    {
      es: 'Ana importó un archivo de clientes (2000 filas)',
      en: 'Ana imported a customers file (2000 rows)',
    },
  ],
  [
    'customers_imported',
    event('customers_imported', system, { after: { totalRows: 5 } }),
    { es: 'Se importó un archivo de clientes (5 filas)', en: 'A customers file was imported (5 rows)' },
  ],
  [
    'pin_set',
    event('pin_set', customer, { after: { via: 'portal' } }),
    { es: 'Laura Méndez creó su PIN en el portal', en: 'Laura Méndez set their PIN on the portal' },
  ],
  [
    'pin_set',
    event('pin_set', luis, { after: { via: 'agente' } }),
    { es: 'Luis registró el PIN del cliente', en: "Luis set the customer's PIN" },
  ],
  [
    'pin_reset',
    event('pin_reset', customer, { after: { via: 'portal' } }),
    { es: 'Laura Méndez cambió su PIN en el portal', en: 'Laura Méndez reset their PIN on the portal' },
  ],
  [
    'pin_reset',
    event('pin_reset', luis, { after: { via: 'agente' } }),
    { es: 'Luis cambió el PIN del cliente', en: "Luis reset the customer's PIN" },
  ],
  [
    'consent_recorded',
    event('consent_recorded', customer, {
      after: { purpose: 'promocionales', granted: true, channel: 'portal', textVersion: '2026-12-01' },
    }),
    {
      es: 'Se registró el consentimiento del cliente para mensajes promocionales (aviso de privacidad 2026-12-01, Portal)',
      en: "The customer's consent to promotional messages was recorded (privacy notice 2026-12-01, Portal)",
    },
  ],
  [
    'consent_recorded',
    event('consent_recorded', luis, {
      after: { purpose: 'encuestas', granted: false, channel: 'telefono', textVersion: '2026-12-01' },
    }),
    {
      es: 'Se registró que el cliente retiró su consentimiento para encuestas (Teléfono)',
      en: "The customer's withdrawal of consent to surveys was recorded (Phone)",
    },
  ],
  [
    'consent_recorded',
    event('consent_recorded', luis, {
      after: { purpose: 'promocionales', granted: false, channel: 'email', arcoRequestId: 'a1' },
    }),
    {
      es: 'Se registró la oposición del cliente a mensajes promocionales (solicitud ARCO)',
      en: "The customer's opposition to promotional messages was recorded (ARCO request)",
    },
  ],
  [
    'promotion_declared',
    event('promotion_declared', luis, { after: { promotionId: 'p1' } }),
    {
      es: 'Luis envió un mensaje promocional a los clientes que lo consintieron',
      en: 'Luis sent a promotional message to the customers who consented to it',
    },
  ],
  [
    'promotion_sent',
    event('promotion_sent', luis, { after: { promotionId: 'p1', messageId: 'm1', channel: 'email' } }),
    {
      es: 'Se envió al cliente un mensaje promocional',
      en: 'A promotional message was sent to the customer',
    },
  ],
  [
    'promotion_sent',
    event('promotion_sent', luis, { after: { promotionId: 'p1', messageId: null } }),
    {
      es: 'No se pudo enviar al cliente un mensaje promocional',
      en: 'A promotional message could not be sent to the customer',
    },
  ],
  [
    'breach_notice_declared',
    event('breach_notice_declared', luis, { after: { affectedCount: 12 } }),
    {
      es: 'Luis declaró un aviso de vulneración de datos personales (12 personas afectadas)',
      en: 'Luis declared a notice of a personal data breach (12 people affected)',
    },
  ],
  [
    'breach_notice_sent',
    event('breach_notice_sent', luis, { after: { breachNoticeId: 'b1', messageId: 'm1', channel: 'email' } }),
    {
      es: 'Se avisó al cliente de una vulneración de sus datos personales',
      en: 'The customer was told of a breach of their personal data',
    },
  ],
  [
    'breach_notice_sent',
    event('breach_notice_sent', luis, { after: { breachNoticeId: 'b1', messageId: null } }),
    {
      es: 'No se pudo avisar al cliente de una vulneración de sus datos personales por un canal escrito',
      en: 'The customer could not be told of a breach of their personal data on a written channel',
    },
  ],
  [
    'aviso_no_entregado',
    event('aviso_no_entregado', system, {
      after: { notice: 'mensaje_promocional', purpose: 'promocionales', tried: [] },
      reason: 'sin_consentimiento',
    }),
    {
      es: 'No se envió un mensaje promocional al cliente: no tiene consentimiento vigente para ese uso de sus datos',
      en: 'No promotional message was sent to the customer: they have no consent in force for that use of their data',
    },
  ],
  [
    'identity_verified',
    event('identity_verified', luis, { after: { method: 'codigo_enviado' } }),
    {
      es: 'Luis verificó la identidad del cliente con un código enviado a sus datos de contacto',
      en: "Luis checked the caller's identity with a code sent to their contact on file",
    },
  ],
  [
    'personal_data_exported',
    event('personal_data_exported', customer, { after: { format: 'pdf' } }),
    {
      es: 'Laura Méndez descargó sus datos personales (PDF) en el portal',
      en: 'Laura Méndez downloaded their personal data (PDF) on the portal',
    },
  ],
  [
    'personal_data_exported',
    event('personal_data_exported', luis, { after: { format: 'json' } }),
    {
      es: 'Luis descargó los datos personales del cliente (JSON)',
      en: "Luis downloaded the customer's personal data (JSON)",
    },
  ],
  [
    'payment_registered',
    event('payment_registered', luis, {
      after: { amountCentavos: 35000, method: 'oxxo', status: 'confirmado' },
    }),
    {
      es: 'Luis registró un pago de $350.00 MXN (OXXO)',
      en: 'Luis registered a payment of $350.00 MXN (OXXO)',
    },
  ],
  [
    'payment_registered',
    event('payment_registered', luis, {
      after: { amountCentavos: 123450, method: 'spei', status: 'por_confirmar' },
    }),
    {
      es: 'Luis registró un pago de $1,234.50 MXN (Transferencia SPEI), por confirmar',
      en: 'Luis registered a payment of $1,234.50 MXN (SPEI transfer), awaiting confirmation',
    },
  ],
  [
    'payment_confirmed',
    event('payment_confirmed', ana, { after: { amountCentavos: 123450 } }),
    { es: 'Ana confirmó el pago de $1,234.50 MXN', en: 'Ana confirmed the payment of $1,234.50 MXN' },
  ],
  [
    'payment_rejected',
    event('payment_rejected', ana, { after: { amountCentavos: 35000 } }),
    { es: 'Ana rechazó el pago de $350.00 MXN', en: 'Ana rejected the payment of $350.00 MXN' },
  ],
  [
    'reconnection_started',
    event('reconnection_started', system, { after: { hours: 48, onSite: false } }),
    {
      es: 'El pago liquidó el saldo: corre el plazo de reconexión de 48 h',
      en: 'The payment cleared the balance: the 48 h reconnection deadline is running',
    },
  ],
  [
    'reconnection_started',
    event('reconnection_started', system, { after: { hours: 72, onSite: true } }),
    {
      es: 'El pago liquidó el saldo: corre el plazo de reconexión de 72 h (requiere visita)',
      en: 'The payment cleared the balance: the 72 h reconnection deadline is running (visit needed)',
    },
  ],
  [
    'promise_made',
    event('promise_made', luis, { after: { amountCentavos: 35000, promisedFor: '2026-12-10' } }),
    {
      es: 'Luis registró una promesa de pago de $350.00 MXN para el 2026-12-10',
      en: 'Luis recorded a promise to pay $350.00 MXN by 2026-12-10',
    },
  ],
  [
    'promise_kept',
    event('promise_kept', ana, { after: { amountCentavos: 35000 } }),
    { es: 'Promesa de pago cumplida ($350.00 MXN)', en: 'Payment promise kept ($350.00 MXN)' },
  ],
  [
    'promise_broken',
    event('promise_broken', system, {
      after: { amountCentavos: 35000, paidCentavos: 10000, promisedFor: '2026-12-10' },
    }),
    {
      es: 'Promesa de pago incumplida: se pagó $100.00 MXN de $350.00 MXN para el 2026-12-10',
      en: 'Payment promise broken: $100.00 MXN of $350.00 MXN paid by 2026-12-10',
    },
  ],
  [
    'promise_reminded',
    event('promise_reminded', system),
    {
      es: 'Se recordó al cliente su promesa de pago',
      en: 'The customer was reminded of their payment promise',
    },
  ],
  [
    'failure_times_recorded',
    event('failure_times_recorded', luis, {
      before: { failureStartedAt: null, serviceRestoredAt: null },
      after: { failureStartedAt: null, serviceRestoredAt: '2026-11-27T18:00:00.000Z' },
    }),
    {
      es: 'Luis registró cuándo se restableció el servicio',
      en: 'Luis recorded when service was restored',
    },
  ],
  [
    'failure_times_recorded',
    event('failure_times_recorded', luis, {
      before: { failureStartedAt: null, serviceRestoredAt: null },
      after: { failureStartedAt: '2026-11-25T10:00:00.000Z', serviceRestoredAt: null },
    }),
    { es: 'Luis registró cuándo empezó la falla', en: 'Luis recorded when the failure started' },
  ],
  [
    'conciliation_opened',
    event('conciliation_opened', ana, { after: { expediente: 'PFC/MTY/123/2026', openedOn: '2026-11-18' } }),
    {
      es: 'Ana registró una conciliación ante la autoridad de consumo (expediente PFC/MTY/123/2026), abierta el 2026-11-18',
      en: 'Ana recorded a conciliation before the consumer agency (file PFC/MTY/123/2026), opened on 2026-11-18',
    },
  ],
  [
    'conciliation_closed',
    event('conciliation_closed', ana, { after: { expediente: 'PFC/MTY/123/2026', closedOn: '2026-12-02' } }),
    {
      es: 'Ana registró el cierre de la conciliación (expediente PFC/MTY/123/2026) el 2026-12-02',
      en: 'Ana recorded that the conciliation (file PFC/MTY/123/2026) closed on 2026-12-02',
    },
  ],
  [
    'compensation_posted',
    event('compensation_posted', ana, {
      after: { compensationKind: 'cargo_indebido', totalCentavos: 42000, effectiveDate: '2026-12-07' },
    }),
    {
      es: 'Se aplicó reembolso de cargo indebido: $420.00 MXN a favor del cliente el 2026-12-07',
      en: 'Applied improper-charge refund: $420.00 MXN in the customer’s favour on 2026-12-07',
    },
  ],
  [
    'compensation_proposed',
    event('compensation_proposed', system, {
      after: { compensationKind: 'falla', computedCentavos: 2917, automatic: true },
    }),
    {
      es: 'Cálculo de bonificación por falla: $29.17 MXN; se aplica automáticamente',
      en: 'Computed failure credit: $29.17 MXN; applied automatically',
    },
  ],
  [
    'compensation_proposed',
    event('compensation_proposed', luis, {
      after: { compensationKind: 'cargo_indebido', computedCentavos: 42000, automatic: false },
    }),
    {
      es: 'Cálculo de reembolso de cargo indebido: $420.00 MXN; espera la aprobación de un supervisor',
      en: 'Computed improper-charge refund: $420.00 MXN; awaiting a supervisor’s approval',
    },
  ],
  [
    'compensation_decided',
    event('compensation_decided', ana, {
      before: { status: 'por_aprobar', computedCentavos: 42000 },
      after: {
        status: 'aplicada',
        decision: 'aprobar',
        compensationKind: 'cargo_indebido',
        appliedCentavos: 42000,
      },
    }),
    {
      es: 'Ana aprobó reembolso de cargo indebido por $420.00 MXN',
      en: 'Ana approved improper-charge refund: $420.00 MXN',
    },
  ],
  [
    'compensation_decided',
    event('compensation_decided', ana, {
      before: { status: 'por_aprobar', computedCentavos: 42000 },
      after: {
        status: 'aplicada',
        decision: 'ajustar',
        compensationKind: 'equipo_en_reparacion',
        appliedCentavos: 30000,
      },
    }),
    {
      es: 'Ana ajustó bonificación por equipo en reparación de $420.00 MXN a $300.00 MXN',
      en: 'Ana adjusted equipment-repair credit from $420.00 MXN to $300.00 MXN',
    },
  ],
  [
    'compensation_decided',
    event('compensation_decided', ana, {
      before: { status: 'por_aprobar', computedCentavos: 42000 },
      after: {
        status: 'rechazada',
        decision: 'rechazar',
        compensationKind: 'cargo_indebido',
        appliedCentavos: null,
      },
    }),
    {
      es: 'Ana rechazó reembolso de cargo indebido de $420.00 MXN',
      en: 'Ana rejected improper-charge refund of $420.00 MXN',
    },
  ],
  [
    'refund_made',
    event('refund_made', luis, { after: { compensationKind: 'cargo_indebido', refundCentavos: 35000 } }),
    {
      es: 'Luis registró que se devolvieron $350.00 MXN al cliente',
      en: 'Luis recorded $350.00 MXN paid back to the customer',
    },
  ],
  [
    'compensation_posted',
    event('compensation_posted', system, {
      after: {
        reason: 'atribuible_proveedor',
        totalCentavos: 2917,
        effectiveDate: '2026-12-15',
        explanation: 'Bonificación: 50 h sin servicio × $350.00 MXN / 720 h + 20 % = $29.17 MXN',
      },
    }),
    {
      es: 'Se aplicará una bonificación de $29.17 MXN en el corte del 2026-12-15. Bonificación: 50 h sin servicio × $350.00 MXN / 720 h + 20 % = $29.17 MXN',
      en: 'A credit of $29.17 MXN will be applied at the 2026-12-15 cut-off. Bonificación: 50 h sin servicio × $350.00 MXN / 720 h + 20 % = $29.17 MXN',
    },
  ],
  [
    'compensation_not_posted',
    event('compensation_not_posted', system, { after: { reason: 'sin_servicio' } }),
    {
      es: 'No se aplicó bonificación: el caso no indica el servicio afectado',
      en: 'No credit was applied: the case names no affected service',
    },
  ],
  [
    'compensation_not_posted',
    event('compensation_not_posted', system, { after: { reason: 'ya_aplicada', totalCentavos: 3500 } }),
    {
      es: 'No se aplicó otra bonificación: el caso ya tiene una; con los datos actuales sería de $35.00 MXN',
      en: 'No further credit was applied: the case already has one; with the current times it would be $35.00 MXN',
    },
  ],
  [
    'cancellation_requested',
    event('cancellation_requested', luis, {
      after: { effectiveDate: '2026-11-25', carryOutBy: '2026-11-30', scope: 'servicio_adicional' },
    }),
    {
      es: 'Luis registró la cancelación con fecha efectiva 2026-11-25 (a más tardar 2026-11-30)',
      en: 'Luis recorded the cancellation effective 2026-11-25 (carried out by 2026-11-30)',
    },
  ],
  [
    'cancellation_requested',
    event('cancellation_requested', customer, {
      after: { effectiveDate: '2026-11-25', carryOutBy: '2026-11-25', scope: 'contrato' },
    }),
    {
      es: 'Cancelación registrada al abrir el caso, con fecha efectiva 2026-11-25 (a más tardar 2026-11-25)',
      en: 'Cancellation recorded as the case opened, effective 2026-11-25 (carried out by 2026-11-25)',
    },
  ],
  [
    'retention_offer_recorded',
    event('retention_offer_recorded', ana, { after: { cancellationId: 'x1' } }),
    { es: 'Ana registró una oferta de permanencia', en: 'Ana recorded a retention offer' },
  ],
  [
    'cancellation_withdrawn',
    event('cancellation_withdrawn', luis, { after: { status: 'retirada', channel: 'whatsapp' } }),
    {
      es: 'Luis retiró la cancelación por mensaje escrito del cliente (WhatsApp)',
      en: "Luis withdrew the cancellation on the customer's written message (WhatsApp)",
    },
  ],
  [
    'cancellation_withdrawn',
    event('cancellation_withdrawn', luis, { after: { status: 'anulada', reason: 'reclasificado' } }),
    {
      es: 'La cancelación quedó anulada: el caso ya no es una solicitud de cancelación',
      en: 'The cancellation was voided: the case is no longer a cancellation request',
    },
  ],
  [
    'cancellation_withdrawn',
    event('cancellation_withdrawn', system, { after: { status: 'anulada', reason: 'descartado' } }),
    {
      es: 'La cancelación quedó anulada: el caso se descartó',
      en: 'The cancellation was voided: the case was discarded',
    },
  ],
  [
    'cancellation_effected',
    event('cancellation_effected', system, {
      after: {
        scope: 'servicio_adicional',
        effectiveDate: '2026-11-25',
        finalBalanceCentavos: 0,
        equipment: 0,
      },
    }),
    {
      es: 'Servicio adicional cancelado (fecha efectiva 2026-11-25): el proveedor lo desactiva; el servicio sigue',
      en: 'Add-on cancelled (effective 2026-11-25): the provider switches it off; the service goes on',
    },
  ],
  [
    'cancellation_effected',
    event('cancellation_effected', system, {
      after: {
        effectiveDate: '2026-11-25',
        finalBalanceCentavos: 69000,
        equipment: 2,
        equipmentReturned: false,
      },
    }),
    {
      es: 'Servicio cancelado (fecha efectiva 2026-11-25); saldo final $690.00 MXN; equipo por devolver: 2',
      en: 'Service cancelled (effective 2026-11-25); final balance $690.00 MXN; equipment to return: 2',
    },
  ],
  [
    'cancellation_effected',
    event('cancellation_effected', system, {
      after: { effectiveDate: '2026-11-25', finalBalanceCentavos: 0, equipment: 1, equipmentReturned: true },
    }),
    {
      es: 'Servicio cancelado (fecha efectiva 2026-11-25); saldo final $0.00 MXN',
      en: 'Service cancelled (effective 2026-11-25); final balance $0.00 MXN',
    },
  ],
  [
    'equipment_returned',
    event('equipment_returned', ana, { after: { equipment: 2 } }),
    { es: 'Ana registró la devolución del equipo', en: 'Ana recorded the equipment returned' },
  ],
  [
    'suspension_notice_recorded',
    event('suspension_notice_recorded', system, {
      after: { outcome: 'entregado', amountCentavos: 35000, suspendableOn: '2026-11-29' },
    }),
    {
      es: 'Se envió al cliente el aviso previo de suspensión por un adeudo de $350.00 MXN; podrá suspenderse desde el 2026-11-29',
      en: 'The prior notice of suspension for a debt of $350.00 MXN was sent to the customer; the service may be suspended from 2026-11-29',
    },
  ],
  [
    'suspension_notice_recorded',
    event('suspension_notice_recorded', system, {
      after: { outcome: 'no_entregable', amountCentavos: 35000, suspendableOn: '2026-11-15' },
    }),
    {
      es: 'El aviso previo de suspensión por un adeudo de $350.00 MXN no pudo entregarse y quedó registrado como no entregable; podrá suspenderse desde el 2026-11-15',
      en: 'The prior notice of suspension for a debt of $350.00 MXN could not be delivered and was recorded as undeliverable; the service may be suspended from 2026-11-15',
    },
  ],
  [
    'suspension_notice_recorded',
    event('suspension_notice_recorded', ana, { after: { outcome: 'entregado', noticedOn: '2026-11-12' } }),
    {
      es: 'Ana registró un aviso previo de suspensión entregado el 2026-11-12',
      en: 'Ana recorded a prior notice of suspension delivered on 2026-11-12',
    },
  ],
  [
    'suspension_notice_recorded',
    event('suspension_notice_recorded', ana, {
      after: { outcome: 'no_entregable', noticedOn: '2026-11-12' },
    }),
    {
      es: 'Ana registró un aviso previo de suspensión del 2026-11-12 como no entregable',
      en: 'Ana recorded a prior notice of suspension of 2026-11-12 as undeliverable',
    },
  ],
  [
    'service_suspended',
    event('service_suspended', luis, {
      after: { suspensionReason: 'solicitud_del_cliente', reactivateOn: '2026-12-14' },
    }),
    {
      es: 'Luis suspendió el servicio (a solicitud del cliente) hasta el 2026-12-14',
      en: "Luis suspended the service (at the customer's request) until 2026-12-14",
    },
  ],
  [
    'service_suspended',
    event('service_suspended', luis, { after: { suspensionReason: 'robo_o_extravio', reactivateOn: null } }),
    { es: 'Luis suspendió el servicio (robo o extravío)', en: 'Luis suspended the service (theft or loss)' },
  ],
  [
    'service_suspended',
    event('service_suspended', system, { after: { suspensionReason: 'falta_de_pago' } }),
    {
      es: 'El servicio se suspendió (falta de pago) según las reglas',
      en: 'The service was suspended (non-payment) by the rules',
    },
  ],
  [
    'service_reactivated',
    event('service_reactivated', ana, { after: { status: 'activo' } }),
    { es: 'Ana reactivó el servicio', en: 'Ana reactivated the service' },
  ],
  [
    'service_reactivated',
    event('service_reactivated', ana, {
      after: { reconnectionFee: { amountCentavos: 5000, charged: true } },
    }),
    {
      es: 'Ana reactivó el servicio; se cargó la reconexión de $50.00 MXN',
      en: 'Ana reactivated the service; the reconnection fee of $50.00 MXN was charged',
    },
  ],
  [
    'service_reactivated',
    event('service_reactivated', system, { after: { status: 'activo' } }),
    {
      es: 'El servicio se reactivó en la fecha pedida por el cliente',
      en: 'The service was reactivated on the date the customer asked for',
    },
  ],
  [
    'service_reactivated',
    event('service_reactivated', system, {
      after: { reconnectionFee: { amountCentavos: 5000, charged: false, why: 'excede_tope' } },
    }),
    {
      es: 'El servicio se reactivó en la fecha pedida por el cliente',
      en: 'The service was reactivated on the date the customer asked for',
    },
  ],
  [
    'deadline_warning',
    event('deadline_warning', system, { after: { deadline: 'reconexion' } }),
    {
      es: 'Aviso: el plazo de reconexión está por vencer',
      en: 'Warning: the reconnection deadline is about to expire',
    },
  ],
  [
    'installation_recorded',
    event('installation_recorded', luis, {
      after: {
        serviceId: 's1',
        contractSignedOn: '2026-11-09',
        businessDays: 10,
        dueAt: '2026-11-24T15:00:00.000Z',
      },
    }),
    {
      es: 'Luis registró la firma del contrato el 2026-11-09; la instalación vence en 10 días hábiles',
      en: 'Luis recorded the contract signed on 2026-11-09; installation is due within 10 business days',
    },
  ],
  [
    'installation_recorded',
    event('installation_recorded', luis, { after: { installedAt: '2026-11-20T17:00:00.000Z', late: false } }),
    { es: 'Luis registró la instalación, dentro del plazo', en: 'Luis recorded the installation, on time' },
  ],
  [
    'installation_recorded',
    event('installation_recorded', luis, { after: { installedAt: '2026-11-26T17:00:00.000Z', late: true } }),
    { es: 'Luis registró la instalación, fuera del plazo', en: 'Luis recorded the installation, late' },
  ],
  [
    'installation_recorded',
    event('installation_recorded', luis, {
      after: { installedAt: '2026-11-26T17:00:00.000Z', late: true, compensationId: 'c1' },
    }),
    {
      es: 'Luis registró la instalación, fuera del plazo: el reembolso espera la aprobación de un supervisor',
      en: 'Luis recorded the installation, late: the refund awaits a supervisor’s approval',
    },
  ],
  [
    'deadline_breached',
    event('deadline_breached', system, { after: { deadline: 'instalacion' } }),
    { es: 'El plazo de instalación venció', en: 'The installation deadline expired' },
  ],
  [
    'webhook_subscription_changed',
    event('webhook_subscription_changed', luis, {
      after: { host: 'crm.example.com', eventKinds: ['created'], active: true },
      reason: 'created',
    }),
    {
      es: 'Luis suscribió crm.example.com a los eventos de la integración',
      en: 'Luis subscribed crm.example.com to integration events',
    },
  ],
  [
    'webhook_subscription_changed',
    event('webhook_subscription_changed', luis, {
      after: { host: 'crm.example.com', eventKinds: ['created'], active: true },
      reason: 'updated',
    }),
    {
      es: 'Luis cambió la suscripción de crm.example.com',
      en: 'Luis changed the subscription of crm.example.com',
    },
  ],
  [
    'webhook_subscription_changed',
    event('webhook_subscription_changed', luis, {
      after: { host: 'crm.example.com', eventKinds: ['created'], active: false },
      reason: 'disabled',
    }),
    {
      es: 'Luis desactivó la suscripción de crm.example.com',
      en: 'Luis switched off the subscription of crm.example.com',
    },
  ],
  [
    'webhook_subscription_changed',
    event('webhook_subscription_changed', luis, {
      after: { host: 'crm.example.com', eventKinds: ['created'], active: true },
      reason: 'reenabled',
    }),
    {
      es: 'Luis volvió a activar la suscripción de crm.example.com',
      en: 'Luis switched the subscription of crm.example.com back on',
    },
  ],
  [
    'webhook_subscription_changed',
    event('webhook_subscription_changed', luis, {
      after: { host: 'crm.example.com', eventKinds: ['created'], active: true },
      reason: 'secret_rotated',
    }),
    {
      es: 'Luis reemplazó el secreto de firma de la suscripción de crm.example.com',
      en: 'Luis replaced the signing secret of the subscription of crm.example.com',
    },
  ],
  [
    'webhook_subscription_disabled',
    event('webhook_subscription_disabled', system, {
      after: { host: 'crm.example.com', consecutiveFailures: 10, lastStatusCode: 503 },
      reason: 'consecutive_failures',
    }),
    {
      es: 'Se desactivó la suscripción de crm.example.com tras 10 entregas fallidas seguidas',
      en: 'The subscription of crm.example.com was switched off after 10 failed deliveries in a row',
    },
  ],
  [
    'incident_declared',
    event('incident_declared', ana, { after: { number: 12, status: 'abierto' } }),
    { es: 'Ana declaró el incidente 12', en: 'Ana declared incident 12' },
  ],
  [
    'incident_updated',
    event('incident_updated', ana, {
      before: { status: 'en_reparacion' },
      after: { number: 12, status: 'restablecido' },
    }),
    {
      es: 'Ana pasó el incidente 12 de En reparación a Restablecido',
      en: 'Ana moved incident 12 from Being repaired to Restored',
    },
  ],
  [
    'incident_updated',
    event('incident_updated', ana, {
      before: { status: 'abierto' },
      after: { number: 12, status: 'abierto', text: true },
    }),
    { es: 'Ana actualizó el incidente 12', en: 'Ana updated incident 12' },
  ],
  [
    'case_incident_linked',
    event('case_incident_linked', luis, { after: { incidentId: 'i1', number: 12 } }),
    { es: 'Luis vinculó el caso al incidente 12', en: 'Luis linked the case to incident 12' },
  ],
  [
    'case_incident_linked',
    event('case_incident_linked', system, {
      after: { incidentId: 'i1', number: 12 },
      reason: 'service_zone',
    }),
    {
      es: 'Se vinculó al incidente 12: el servicio está en una zona afectada',
      en: 'Linked to incident 12: the service is in an affected zone',
    },
  ],
  [
    'case_incident_linked',
    event('case_incident_linked', system, {
      after: { incidentId: 'i1', number: 12 },
      reason: 'named_zone',
    }),
    {
      es: 'Se vinculó al incidente 12: el mensaje menciona una zona afectada',
      en: 'Linked to incident 12: the message names an affected zone',
    },
  ],
  [
    'case_incident_unlinked',
    event('case_incident_unlinked', luis, { before: { incidentId: 'i1', number: 12 } }),
    { es: 'Luis desvinculó el caso del incidente 12', en: 'Luis unlinked the case from incident 12' },
  ],
  [
    'incident_proposed',
    event('incident_proposed', system, { after: { number: 4, zoneId: 7, reports: 5 } }),
    {
      es: 'Con 5 reportes de la zona se propuso un incidente (propuesta 4)',
      en: 'With 5 reports from the zone an incident was proposed (proposal 4)',
    },
  ],
  [
    'incident_proposal_grew',
    event('incident_proposal_grew', system, { after: { number: 4, zoneId: 7, reports: 6 } }),
    {
      es: 'El reporte se sumó a la propuesta de incidente 4 (6 reportes)',
      en: 'The report joined incident proposal 4 (6 reports)',
    },
  ],
  [
    'incident_proposal_accepted',
    event('incident_proposal_accepted', ana, { after: { number: 4, incidentNumber: 12, linked: 6 } }),
    {
      es: 'Ana aceptó la propuesta de incidente 4: incidente 12',
      en: 'Ana accepted incident proposal 4: incident 12',
    },
  ],
  [
    'incident_proposal_dismissed',
    event('incident_proposal_dismissed', ana, { after: { number: 4, zoneId: 7 } }),
    { es: 'Ana descartó la propuesta de incidente 4', en: 'Ana dismissed incident proposal 4' },
  ],
  [
    'incident_restoration_applied',
    event('incident_restoration_applied', system, {
      after: { number: 12, resolved: 20, compensated: 18, leftOpen: 1 },
    }),
    {
      es: 'Al restablecerse el incidente 12 se resolvieron 20 reportes (18 con bonificación); abiertos aún: 1',
      en: 'Restoring incident 12 resolved 20 reports (18 compensated); still open: 1',
    },
  ],
  [
    'service_order_created',
    event('service_order_created', luis, { after: { number: 57, kind: 'instalacion' } }),
    {
      es: 'Luis creó la orden de servicio 57 (instalación)',
      en: 'Luis created service order 57 (installation)',
    },
  ],
  [
    'regulator_report_generated',
    event('regulator_report_generated', ana, { after: { period: '2026-10' } }),
    {
      es: 'Ana generó el reporte al regulador de 2026-10',
      en: 'Ana generated the regulator report for 2026-10',
    },
  ],
  [
    'evidence_exported',
    event('evidence_exported', ana, { after: { format: 'pdf', manifestSha256: 'ab12' } }),
    {
      es: 'Ana exportó el expediente para conciliación (PDF)',
      en: 'Ana exported the conciliation file (PDF)',
    },
  ],
  [
    'service_order_scheduled',
    event('service_order_scheduled', luis, { after: { number: 57 } }),
    { es: 'Luis agendó la visita de la orden 57', en: 'Luis scheduled the visit of order 57' },
  ],
  [
    'service_order_scheduled',
    event('service_order_scheduled', luis, { reason: 'confirmada_por_cliente', after: { number: 57 } }),
    {
      es: 'Luis registró que el cliente confirmó la visita de la orden 57',
      en: 'Luis recorded that the customer confirmed the visit of order 57',
    },
  ],
  [
    'service_order_scheduled',
    event('service_order_scheduled', customer, { reason: 'confirmada_por_cliente', after: { number: 57 } }),
    {
      es: 'El cliente confirmó por mensaje la visita de la orden 57',
      en: 'The customer confirmed the visit of order 57 by message',
    },
  ],
  [
    'csat_sent',
    event('csat_sent', system, { after: { surveyId: 'x', channel: 'whatsapp' } }),
    {
      es: 'Se envió la encuesta de satisfacción por WhatsApp',
      en: 'The satisfaction survey was sent by WhatsApp',
    },
  ],
  [
    'csat_answered',
    event('csat_answered', customer, { after: { surveyId: 'x', score: 4, comment: false, via: 'whatsapp' } }),
    { es: 'El cliente calificó la atención con 4 de 5', en: 'The customer rated the service 4 out of 5' },
  ],
  [
    'csat_answered',
    event('csat_answered', customer, { after: { surveyId: 'x', score: 2, comment: true, via: 'portal' } }),
    {
      es: 'El cliente calificó la atención con 2 de 5 y dejó un comentario',
      en: 'The customer rated the service 2 out of 5 and left a comment',
    },
  ],
  [
    'service_order_reschedule_requested',
    event('service_order_reschedule_requested', customer, { after: { number: 57, status: 'reprogramada' } }),
    {
      es: 'El cliente pidió por mensaje otro horario para la visita de la orden 57: queda por reprogramar',
      en: 'The customer asked by message for another time for the visit of order 57: it awaits a new window',
    },
  ],
  [
    'deadline_breached',
    event('deadline_breached', system, { after: { deadline: 'reconexion_en_sitio' } }),
    { es: 'El plazo de reconexión en sitio venció', en: 'The on-site reconnection deadline expired' },
  ],
  [
    'service_order_visited',
    event('service_order_visited', luis, { after: { number: 57, outcome: 'cliente_ausente' } }),
    {
      es: 'Luis registró la visita de la orden 57: cliente ausente',
      en: 'Luis recorded the visit of order 57: customer not home',
    },
  ],
  [
    'service_order_closed',
    event('service_order_closed', luis, {
      reason: 'servicio_cancelado',
      after: { number: 57, status: 'no_procede', reason: 'servicio_cancelado' },
    }),
    {
      es: 'Luis canceló el servicio: la orden 57 se cerró sin visita',
      en: 'Luis cancelled the service: order 57 was closed without a visit',
    },
  ],
];

function contextIn(language: 'es-MX' | 'en', e: CaseEvent): SentenceContext {
  const i18n = i18next.createInstance();
  void i18n.init({
    resources: {
      'es-MX': { common: commonEs, console: consoleEs },
      en: { common: commonEn, console: consoleEn },
    },
    lng: language,
    ns: ['common', 'console'],
    defaultNS: 'console',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const actor =
    e.actorKind === 'agente'
      ? (NAMES[e.actorAgentId ?? ''] ?? '?')
      : e.actorKind === 'cliente'
        ? 'Laura Méndez'
        : String(
            i18n.t(
              `console:timeline.${e.actorKind === 'representante' ? 'representative' : 'system'}` as never,
            ),
          );
  return {
    t: (key, values) => String(i18n.t(key, values as never)),
    actor,
    agentName: (value) => NAMES[String(value)] ?? '?',
    areaName: (value) => AREAS[Number(value)] ?? '?',
    channel: String(i18n.t('common:channel.whatsapp')),
  };
}

describe('timeline sentences', () => {
  it('cover every kind of event the server records', () => {
    expect(SERVER_KINDS.length).toBeGreaterThan(10);
    const covered = new Set(TABLE.map(([kind]) => kind));
    expect(SERVER_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
    for (const kind of SERVER_KINDS) {
      expect(eventSentence(event(kind, system), contextIn('es-MX', event(kind, system))), kind).toBeTypeOf(
        'string',
      );
    }
  });

  it('tell every reason a notice could not go out, in both languages', () => {
    for (const locale of [consoleEs, consoleEn]) {
      expect(Object.keys(locale.timeline.noticeRefusal).sort()).toEqual([...NOTICE_REFUSALS].sort());
    }
  });

  describe.each(['es-MX', 'en'] as const)('in %s', (language) => {
    it.each(TABLE)('%s: %j', (_kind, e, expected) => {
      const sentence = eventSentence(e, contextIn(language, e));
      expect(sentence).toBe(language === 'en' ? expected.en : expected.es);
    });
  });
});
