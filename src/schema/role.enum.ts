// GraphQL enum of caller roles.
import { registerEnumType } from 'type-graphql';

export enum RoleEnum {
  ADMIN = 'admin',
  BILLING = 'billing',
  TECHNICIAN = 'technician',
  VIEWER = 'viewer',
  OPERATOR = 'operator',
}

registerEnumType(RoleEnum, { name: 'Role', description: 'What a caller may do' });
