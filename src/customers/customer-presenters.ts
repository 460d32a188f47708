import type { ContactPointRow, CustomerRow } from './customers.service.ts';

/** The public shape of a contact point: never a raw row. */
export const presentContactPoint = (row: ContactPointRow) => ({
  id: row.id,
  kind: row.kind,
  address: row.address,
  createdAt: row.createdAt.toISOString(),
});

/** The public shape of a customer with its contact points. */
export const presentCustomer = (row: CustomerRow, points: ContactPointRow[]) => ({
  id: row.id,
  accountNumber: row.accountNumber,
  name: row.name,
  prospect: row.accountNumber === null,
  contactPoints: points.map(presentContactPoint),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
