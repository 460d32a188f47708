import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attachmentBlobs, events } from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { makeCustomer, testAgentActor } from './customers.factories.ts';
import { mergeCustomers } from './merge-customers.ts';
import {
  addRepresentative,
  assertRepresentativeMayAct,
  listRepresentatives,
  revokeRepresentative,
} from './representatives.service.ts';

describeEachDatabase('authorized representatives', (kind) => {
  let app: TestApp;
  const actor = testAgentActor();
  const now = new Date('2026-11-25T16:00:00Z');
  const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  const add = async (customerId: string, overrides: Partial<Parameters<typeof addRepresentative>[1]> = {}) =>
    addRepresentative(
      app.atiende.ctx.database,
      { customerId, name: 'Esteban Ruiz', contact: '81 5555 0000', now, ...overrides },
      actor,
    );

  const mayAct = (
    representativeId: string,
    customerId: string,
    requestType: 'falla' | 'cancelacion',
    at = now,
  ) => assertRepresentativeMayAct(app.atiende.ctx.db, { representativeId, customerId, requestType, now: at });

  it('stores the ID document and records an event with ids only', async () => {
    const { customer } = await makeCustomer(app.atiende.ctx.db);
    const idDocument = {
      filename: 'ine-esteban.pdf',
      contentType: 'application/pdf',
      data: Buffer.from('%PDF-1.4 INE de Esteban').toString('base64'),
    };
    const representative = await add(customer.id, { idDocument, scope: ['falla', 'falla', 'queja'] });
    expect(representative).toMatchObject({
      idDocumentFilename: 'ine-esteban.pdf',
      scope: ['falla', 'queja'],
    });
    const [blob] = await app.atiende.ctx.db
      .select()
      .from(attachmentBlobs)
      .where(eq(attachmentBlobs.sha256, representative.idDocumentSha256 ?? ''));
    expect(blob).toMatchObject({ contentType: 'application/pdf' });
    const added = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.customerId, customer.id), eq(events.kind, 'representative_added')));
    expect(added.map((e) => e.after)).toEqual([
      { representativeId: representative.id, grantedVia: 'agente' },
    ]);
    expect((await listRepresentatives(app.atiende.ctx.db, customer.id)).map((r) => r.id)).toEqual([
      representative.id,
    ]);
  });

  it('refuses an ID document of a type not accepted, and an expiry already past', async () => {
    const { customer } = await makeCustomer(app.atiende.ctx.db);
    await expect(
      add(customer.id, {
        idDocument: { filename: 'x.exe', contentType: 'application/x-msdownload', data: 'TVo=' },
      }),
    ).rejects.toMatchObject({ code: 'attachment.type_not_allowed', field: 'idDocument.contentType' });
    await expect(add(customer.id, { expiresAt: inDays(-1) })).rejects.toMatchObject({
      code: 'representative.expiry_in_past',
      status: 400,
      field: 'expiresAt',
    });
    expect(await listRepresentatives(app.atiende.ctx.db, customer.id)).toEqual([]);
  });

  it('lets a valid representative act within scope until expiry', async () => {
    const { customer } = await makeCustomer(app.atiende.ctx.db);
    const scoped = await add(customer.id, { scope: ['falla'], expiresAt: inDays(30) });
    await expect(mayAct(scoped.id, customer.id, 'falla')).resolves.toBeUndefined();
    const everything = await add(customer.id);
    await expect(mayAct(everything.id, customer.id, 'cancelacion', inDays(3650))).resolves.toBeUndefined();
  });

  it('refuses, with the reason, a revoked, expired, out-of-scope or other customer’s representative', async () => {
    const { customer } = await makeCustomer(app.atiende.ctx.db);
    const other = await makeCustomer(app.atiende.ctx.db);
    const representative = await add(customer.id, { scope: ['falla'], expiresAt: inDays(30) });
    const refusal = (code: string, detail: RegExp) =>
      expect.objectContaining({
        code,
        status: 422,
        field: 'raisedBy.representativeId',
        detail: expect.stringMatching(detail),
      });

    await expect(mayAct(representative.id, customer.id, 'cancelacion')).rejects.toEqual(
      refusal('representative.out_of_scope', /covers only falla, not cancelacion/),
    );
    await expect(mayAct(representative.id, customer.id, 'falla', inDays(31))).rejects.toEqual(
      refusal('representative.expired', /expired on 2026-12-25/),
    );
    await expect(mayAct(representative.id, other.customer.id, 'falla')).rejects.toEqual(
      refusal('representative.not_found', /this customer/),
    );
    await expect(mayAct('00000000-0000-4000-8000-000000000000', customer.id, 'falla')).rejects.toEqual(
      refusal('representative.not_found', /this customer/),
    );

    const revoked = await revokeRepresentative(
      app.atiende.ctx.db,
      { customerId: customer.id, representativeId: representative.id, reason: 'La clienta lo pidió', now },
      actor,
    );
    expect(revoked).toMatchObject({ revokedAt: now, revokedReason: 'La clienta lo pidió' });
    await expect(mayAct(representative.id, customer.id, 'falla')).rejects.toEqual(
      refusal('representative.revoked', /was revoked on 2026-11-25/),
    );
    const revocations = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.customerId, customer.id), eq(events.kind, 'representative_revoked')));
    expect(revocations.map((e) => [e.after, e.reason])).toEqual([
      [{ representativeId: representative.id }, null],
    ]);

    await expect(
      revokeRepresentative(
        app.atiende.ctx.db,
        { customerId: customer.id, representativeId: representative.id, reason: 'otra vez', now },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'representative.already_revoked', status: 409 });
    await expect(
      revokeRepresentative(
        app.atiende.ctx.db,
        { customerId: other.customer.id, representativeId: representative.id, reason: 'ajena', now },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'representative.not_found', status: 404 });
  });

  it('keeps a representative acting for the customer after a merge, under either id', async () => {
    const into = await makeCustomer(app.atiende.ctx.db);
    const from = await makeCustomer(app.atiende.ctx.db);
    const representative = await add(from.customer.id);
    await mergeCustomers(app.atiende.ctx.db, {
      intoId: into.customer.id,
      fromId: from.customer.id,
      actor,
      now: app.atiende.ctx.clock.now(),
    });
    await expect(mayAct(representative.id, into.customer.id, 'falla')).resolves.toBeUndefined();
    await expect(mayAct(representative.id, from.customer.id, 'falla')).resolves.toBeUndefined();
  });
});
