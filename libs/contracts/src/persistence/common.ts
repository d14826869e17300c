import { z } from 'zod';

/** Lower-cased, so an id written in capitals finds the same row on SQLite as on PostgreSQL. */
export const Id = z.uuid({ message: 'must be a UUID' }).toLowerCase();
export const IsoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
export const IsoDate = z.iso.date({ message: 'must be a date in YYYY-MM-DD form' });
export const IdParams = z.object({ id: Id }).strict();
export type IdParams = z.infer<typeof IdParams>;

/** E.164 phone number, e.g. +14155550123. */
export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +14155550123');

export const AgentName = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a lowercase agent name such as "receptionist"');
export type AgentName = z.infer<typeof AgentName>;

export const Channel = z.enum(['web', 'phone', 'whatsapp']);
export type Channel = z.infer<typeof Channel>;

export const ServiceScope = z.enum(['conversations:write', 'clinic:read', 'clinic:book', 'clinic:schedule', 'phone-owners:read']);
export type ServiceScope = z.infer<typeof ServiceScope>;
