import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../db/database.ts';
import {
  accountPins,
  authorizedRepresentatives,
  cases,
  contactPoints,
  customers,
  events,
  services,
} from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { findOrCreateCustomerByContact, lookupCustomers } from './customer-lookup.ts';
import { e164, makeCase, makeCustomer, testAgentActor, uniquePhone } from './customers.factories.ts';
import {
  addContactPoint,
  createCustomer,
  deleteCustomer,
  getCustomer,
  removeContactPoint,
  updateCustomer,
} from './customers.service.ts';
import { mergeCustomers } from './merge-customers.ts';

describeEachDatabase('customers', (kind) => {
  let app: TestApp;
  let db: Db;
  const agentId = randomUUID();
  const actor = testAgentActor(agentId);
  const now = () => app.atiende.ctx.clock.now();

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
    db = app.atiende.ctx.db;
  });
  afterAll(() => app?.close());

  const customerCount = async () => (await db.select({ id: customers.id }).from(customers)).length;

  it('creates a customer with normalised contact points and a created event', async () => {
    const phone = uniquePhone();
    const { customer, contactPoints: points } = await createCustomer(
      db,
      {
        accountNumber: 'MON-10001',
        name: 'Ana Pérez',
        contactPoints: [
          { kind: 'phone', address: phone },
          { kind: 'email', address: ' Ana.Perez@Example.MX ' },
          { kind: 'phone', address: `+52 1 ${phone}` },
        ],
      },
      actor,
    );
    expect(customer).toMatchObject({ accountNumber: 'MON-10001', name: 'Ana Pérez', mergedIntoId: null });
    expect(points.map((p) => [p.kind, p.address])).toEqual([
      ['phone', e164(phone)],
      ['email', 'ana.perez@example.mx'],
    ]);
    const [created] = await db.select().from(events).where(eq(events.customerId, customer.id));
    expect(created).toMatchObject({
      kind: 'created',
      actorKind: 'agente',
      actorAgentId: agentId,
    });
    expect(JSON.stringify(created)).not.toMatch(/Ana|example\.mx|MON-10001/);
  });

  it('refuses a contact point another customer has with a 409 naming the field, writing nothing', async () => {
    const phone = uniquePhone();
    const owner = await makeCustomer(db, { contactPoints: [{ kind: 'phone', address: phone }] });
    const before = await customerCount();
    const attempt = createCustomer(
      db,
      {
        name: 'Otra persona',
        contactPoints: [
          { kind: 'email', address: `otra-${Date.now()}@example.mx` },
          { kind: 'phone', address: `+52 ${phone}` },
        ],
      },
      actor,
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'contact_point.taken',
      status: 409,
      field: 'contactPoints.1.address',
      extra: { customerId: owner.customer.id },
    });
    expect(await customerCount()).toBe(before);

    const other = await makeCustomer(db);
    await expect(
      addContactPoint(db, { customerId: other.customer.id, kind: 'phone', address: phone }, actor),
    ).rejects.toMatchObject({ code: 'contact_point.taken', field: 'address' });
    const again = await addContactPoint(
      db,
      { customerId: owner.customer.id, kind: 'phone', address: phone },
      actor,
    );
    expect(again.id).toBe(owner.contactPoints[0]?.id);
  });

  it('keeps account numbers unique on create and update', async () => {
    await makeCustomer(db, { accountNumber: 'MON-20001' });
    await expect(makeCustomer(db, { accountNumber: 'MON-20001' })).rejects.toMatchObject({
      code: 'customer.account_number_taken',
      status: 409,
      field: 'accountNumber',
    });
    const other = await makeCustomer(db, { accountNumber: 'MON-20002' });
    await expect(
      updateCustomer(db, { id: other.customer.id, accountNumber: 'MON-20001' }, actor, now()),
    ).rejects.toMatchObject({ code: 'customer.account_number_taken', status: 409 });
    const renamed = await updateCustomer(
      db,
      { id: other.customer.id, name: 'Beto', accountNumber: null },
      actor,
      now(),
    );
    expect(renamed.customer).toMatchObject({ name: 'Beto', accountNumber: null });
    const [changed] = await db
      .select()
      .from(events)
      .where(sql`${events.customerId} = ${other.customer.id} and ${events.kind} = 'customer_changed'`);
    expect(changed?.after).toEqual({ changed: ['name', 'accountNumber'] });
  });

  it('looks customers up by phone, e-mail and account number written any usual way', async () => {
    const email = `Lookup.${Date.now()}@Example.MX`;
    const { customer } = await makeCustomer(db, {
      accountNumber: 'MON-30001',
      contactPoints: [
        { kind: 'phone', address: '81-3000-1234' },
        { kind: 'email', address: email },
      ],
    });
    for (const query of [
      { phone: '(81) 3000 1234' },
      { phone: '+52 1 81 3000 1234' },
      { phone: '044 81 3000 1234' },
      { email: `  ${email.toUpperCase()} ` },
      { accountNumber: ' MON-30001 ' },
    ]) {
      const found = await lookupCustomers(db, query);
      expect(
        found.map((f) => f.customer.id),
        JSON.stringify(query),
      ).toEqual([customer.id]);
    }
    expect(await lookupCustomers(db, { phone: '81 3999 9999' })).toEqual([]);
    await expect(lookupCustomers(db, { phone: 'hola' })).rejects.toMatchObject({
      code: 'contact_point.invalid',
      field: 'phone',
    });
  });

  it('treats a 521 WhatsApp id as the person who gave the +52 phone number', async () => {
    const { customer } = await makeCustomer(db, {
      contactPoints: [{ kind: 'phone', address: '55 4000 1234' }],
    });
    const first = await findOrCreateCustomerByContact(db, {
      kind: 'whatsapp',
      address: '5215540001234',
      now: now(),
    });
    expect(first).toMatchObject({ created: false, customer: { id: customer.id } });
    const second = await findOrCreateCustomerByContact(db, {
      kind: 'whatsapp',
      address: '525540001234',
      now: now(),
    });
    expect(second).toMatchObject({ created: false, customer: { id: customer.id } });
    const { contactPoints: points } = await getCustomer(db, customer.id);
    expect(points.map((p) => [p.kind, p.address])).toEqual([
      ['phone', '+525540001234'],
      ['whatsapp', '+525540001234'],
    ]);
    expect((await lookupCustomers(db, { phone: '+52 1 55 4000 1234' })).map((c) => c.customer.id)).toEqual([
      customer.id,
    ]);
  });

  it('creates one prospect for an unknown sender even when several deliveries race', async () => {
    const before = await customerCount();
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        db.transaction((tx) =>
          findOrCreateCustomerByContact(tx, {
            kind: 'whatsapp',
            address: '5215550001234',
            name: ' Carla ',
            now: now(),
          }),
        ),
      ),
    );
    const ids = new Set(results.map((r) => r.customer.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.customer).toMatchObject({ accountNumber: null, name: 'Carla' });
    expect(await customerCount()).toBe(before + 1);
    const again = await findOrCreateCustomerByContact(db, {
      kind: 'whatsapp',
      address: '+525550001234',
      now: now(),
    });
    expect(again).toMatchObject({ created: false, customer: { id: [...ids][0] } });
  });

  it('merges contact points, cases and representatives into one customer, as events with ids only', async () => {
    const into = await makeCustomer(db, { name: 'Daniela Ruiz' });
    const from = await makeCustomer(db, {
      accountNumber: 'MON-40001',
      contactPoints: [{ kind: 'email', address: `daniela.${Date.now()}@example.mx` }],
    });
    const caseRow = await makeCase(db, from.customer.id);
    const [representative] = await db
      .insert(authorizedRepresentatives)
      .values({ customerId: from.customer.id, name: 'Esteban Ruiz', contact: '81 5555 0000' })
      .returning();

    const merged = await mergeCustomers(db, {
      intoId: into.customer.id,
      fromId: from.customer.id,
      actor,
      now: now(),
    });
    expect(merged.customer).toMatchObject({
      id: into.customer.id,
      name: 'Daniela Ruiz',
      accountNumber: 'MON-40001',
    });
    expect(merged.contactPoints.map((p) => p.id).sort()).toEqual(
      [...into.contactPoints, ...from.contactPoints].map((p) => p.id).sort(),
    );
    const [movedCase] = await db.select().from(cases).where(eq(cases.id, caseRow.id));
    expect(movedCase?.customerId).toBe(into.customer.id);
    const [movedRepresentative] = await db
      .select()
      .from(authorizedRepresentatives)
      .where(eq(authorizedRepresentatives.id, representative?.id ?? ''));
    expect(movedRepresentative?.customerId).toBe(into.customer.id);
    const [retired] = await db.select().from(customers).where(eq(customers.id, from.customer.id));
    expect(retired).toMatchObject({ mergedIntoId: into.customer.id, accountNumber: null });
    expect((await getCustomer(db, from.customer.id)).customer.id).toBe(into.customer.id);

    const merges = await db.select().from(events).where(eq(events.kind, 'customer_merged'));
    const ours = merges.filter(
      (e) =>
        e.customerId === from.customer.id || e.caseId === caseRow.id || e.customerId === into.customer.id,
    );
    expect(ours.map((e) => e.customerId ?? e.caseId).sort()).toEqual(
      [into.customer.id, from.customer.id, into.customer.id].sort(),
    );
    expect(ours.find((e) => e.caseId === caseRow.id)).toMatchObject({
      before: { customerId: from.customer.id },
      after: { customerId: into.customer.id },
    });
    expect(ours.find((e) => e.customerId === from.customer.id && !e.caseId)?.after).toMatchObject({
      intoCustomerId: into.customer.id,
      caseIds: [caseRow.id],
      representativeIds: [representative?.id],
    });
    expect(JSON.stringify(ours)).not.toMatch(/Daniela|Esteban|example\.mx|MON-40001|\+52/);
  });

  it('moves services to the surviving customer, and the PIN only when the survivor has none', async () => {
    const pin = (customerId: string, pinHash: string) =>
      db.insert(accountPins).values({ customerId, pinHash, setAt: now(), setVia: 'agente' });
    const service = (customerId: string) =>
      db
        .insert(services)
        .values({ customerId, status: 'activo', cutoffDay: 5 })
        .returning({ id: services.id });
    const pinOf = async (customerId: string) =>
      (await db.select().from(accountPins).where(eq(accountPins.customerId, customerId)))[0]?.pinHash;

    const bothInto = await makeCustomer(db);
    const bothFrom = await makeCustomer(db);
    await pin(bothInto.customer.id, 'hash-of-survivor');
    await pin(bothFrom.customer.id, 'hash-of-duplicate');
    const [moving] = await service(bothFrom.customer.id);
    await mergeCustomers(db, {
      intoId: bothInto.customer.id,
      fromId: bothFrom.customer.id,
      actor,
      now: now(),
    });
    expect(await pinOf(bothInto.customer.id)).toBe('hash-of-survivor');
    expect(await pinOf(bothFrom.customer.id)).toBeUndefined();
    const [moved] = await db
      .select()
      .from(services)
      .where(eq(services.id, moving?.id ?? ''));
    expect(moved?.customerId).toBe(bothInto.customer.id);
    const [merge] = await db
      .select()
      .from(events)
      .where(sql`${events.kind} = 'customer_merged' and ${events.customerId} = ${bothFrom.customer.id}`);
    expect(merge?.after).toMatchObject({ serviceIds: [moving?.id] });

    const bareInto = await makeCustomer(db);
    const pinnedFrom = await makeCustomer(db);
    await pin(pinnedFrom.customer.id, 'hash-of-only-pin');
    await mergeCustomers(db, {
      intoId: bareInto.customer.id,
      fromId: pinnedFrom.customer.id,
      actor,
      now: now(),
    });
    expect(await pinOf(bareInto.customer.id)).toBe('hash-of-only-pin');
  });

  it('refuses to merge a customer into itself, an already merged one, or two account numbers', async () => {
    const a = await makeCustomer(db);
    const b = await makeCustomer(db);
    await expect(
      mergeCustomers(db, { intoId: a.customer.id, fromId: a.customer.id, actor, now: now() }),
    ).rejects.toMatchObject({
      code: 'customer.merge_self',
      status: 409,
    });
    await mergeCustomers(db, { intoId: a.customer.id, fromId: b.customer.id, actor, now: now() });
    await expect(
      mergeCustomers(db, { intoId: a.customer.id, fromId: b.customer.id, actor, now: now() }),
    ).rejects.toMatchObject({
      code: 'customer.already_merged',
      status: 409,
      field: 'fromCustomerId',
    });
    await expect(
      mergeCustomers(db, { intoId: b.customer.id, fromId: a.customer.id, actor, now: now() }),
    ).rejects.toMatchObject({
      code: 'customer.already_merged',
    });
    const x = await makeCustomer(db, { accountNumber: 'MON-50001' });
    const y = await makeCustomer(db, { accountNumber: 'MON-50002' });
    await expect(
      mergeCustomers(db, { intoId: x.customer.id, fromId: y.customer.id, actor, now: now() }),
    ).rejects.toMatchObject({
      code: 'customer.merge_accounts_differ',
      status: 409,
    });
  });

  it('keeps merged ids one hop from the live customer when the survivor is merged again', async () => {
    const first = await makeCustomer(db);
    const second = await makeCustomer(db);
    const third = await makeCustomer(db);
    await mergeCustomers(db, { intoId: second.customer.id, fromId: first.customer.id, actor, now: now() });
    await mergeCustomers(db, { intoId: third.customer.id, fromId: second.customer.id, actor, now: now() });
    const [firstRow] = await db.select().from(customers).where(eq(customers.id, first.customer.id));
    expect(firstRow?.mergedIntoId).toBe(third.customer.id);
    expect((await getCustomer(db, first.customer.id)).contactPoints).toHaveLength(3);
  });

  it('deletes only a customer without cases, with its contact points', async () => {
    const withCase = await makeCustomer(db);
    await makeCase(db, withCase.customer.id);
    await expect(deleteCustomer(db, { id: withCase.customer.id }, actor)).rejects.toMatchObject({
      code: 'customer.has_cases',
      status: 409,
    });
    const lonely = await makeCustomer(db);
    await deleteCustomer(db, { id: lonely.customer.id }, actor);
    await expect(getCustomer(db, lonely.customer.id)).rejects.toMatchObject({
      code: 'customer.not_found',
      status: 404,
    });
    const points = await db
      .select()
      .from(contactPoints)
      .where(
        inArray(
          contactPoints.id,
          lonely.contactPoints.map((p) => p.id),
        ),
      );
    expect(points).toEqual([]);
  });

  it('removes a contact point only from its own customer', async () => {
    const a = await makeCustomer(db);
    const b = await makeCustomer(db);
    const point = a.contactPoints[0];
    if (!point) throw new Error('factory made no contact point');
    await expect(
      removeContactPoint(db, { customerId: b.customer.id, contactPointId: point.id }, actor),
    ).rejects.toMatchObject({ code: 'contact_point.not_found', status: 404 });
    await removeContactPoint(db, { customerId: a.customer.id, contactPointId: point.id }, actor);
    expect((await getCustomer(db, a.customer.id)).contactPoints).toEqual([]);
  });
});
