// Managing a reseller's users (admins do this) and the platform operator (CLI only).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PrincipalRole } from '../auth/principal';
import { Reseller } from '../entities/reseller.entity';
import { User } from '../entities/user.entity';
import { DomainError } from './devices';
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
  if (
    await em
      .getConnection()
      .execute<{ id: string }[]>(`select id from app_user where email = ?`, [email])
      .then((rows) => rows.length > 0)
  ) {
    throw new DomainError('CONFLICT', 'a user with this email already exists', 'email');
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
