// Managing a reseller's users (admins do this) and the platform operator (CLI only).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PrincipalRole } from '../auth/principal';
import { Reseller } from '../entities/reseller.entity';
import { User } from '../entities/user.entity';
import { DomainError } from '../errors/domain-error';
import { checkPasswordPolicy, hashPassword } from './passwords';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

export async function createUser(
  em: EntityManager,
  input: { resellerId: string | null; email: string; name: string; role: PrincipalRole; password: string },
): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new DomainError('BAD_USER_INPUT', 'email is not a valid address', 'email');
  const name = input.name.trim();
  if (!name || name.length > 200)
    throw new DomainError('BAD_USER_INPUT', 'name must be 1-200 characters', 'name');
  const policy = checkPasswordPolicy(input.password);
  if (policy) throw new DomainError('BAD_USER_INPUT', policy, 'password');
  // Only this reseller's users (or, for an operator, the operators) count: whether another tenant uses
  // the address is none of the caller's business, and the answer must not tell.
  const taken = await em
    .getConnection()
    .execute<{ id: string }[]>(
      input.resellerId
        ? `select id from app_user where email = ? and reseller_id = ?`
        : `select id from app_user where email = ? and reseller_id is null`,
      input.resellerId ? [email, input.resellerId] : [email],
    );
  if (taken.length > 0) {
    throw new DomainError(
      'CONFLICT',
      input.resellerId
        ? 'a user of your organisation already has this email'
        : 'an operator with this email already exists',
      'email',
    );
  }
  const user = em.create(User, {
    reseller: input.resellerId ? em.getReference(Reseller, input.resellerId) : null,
    email,
    name,
    role: input.role,
    passwordHash: await hashPassword(input.password),
  });
  await em.flush();
  return user;
}
