// Who is calling: resolved once per request from the Authorization header, then read everywhere.
import type { Role } from '../entities/base';

export type PrincipalRole = Role | 'operator';

export interface Principal {
  /** "apikey:<id>" or "user:<id>" — what audit events record as the actor. */
  actor: string;
  role: PrincipalRole;
  /** The tenant; null only for platform operators. */
  resellerId: string | null;
}

export const ROLE_RANK: Record<PrincipalRole, number> = {
  viewer: 0,
  technician: 1,
  billing: 1,
  admin: 2,
  operator: 3,
};
