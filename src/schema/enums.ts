// GraphQL enums. Values map onto what the database stores, so entities resolve without translation.
import { registerEnumType } from 'type-graphql';

export enum SeverityEnum {
  INFO = 'info',
  WARNING = 'warning',
  ERROR = 'error',
  CRITICAL = 'critical',
}
registerEnumType(SeverityEnum, {
  name: 'Severity',
  description: 'info < warning < error < critical; ERROR and CRITICAL are high severity',
});

export enum AlertStatusEnum {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatusEnum, { name: 'AlertStatus' });

export enum JobKindEnum {
  PRINT = 'print',
  SCAN = 'scan',
  COPY = 'copy',
}
registerEnumType(JobKindEnum, { name: 'JobKind' });

export enum ConnectionTypeEnum {
  DIRECT = 'direct',
  COLLECTOR = 'collector',
}
registerEnumType(ConnectionTypeEnum, {
  name: 'ConnectionType',
  description: 'How the printer reports: its own firmware, or a Data Collector',
});

export enum SortDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

export enum PrinterOrderField {
  SERIAL_NUMBER = 'serialNumber',
  CREATED_AT = 'createdAt',
}
registerEnumType(PrinterOrderField, { name: 'PrinterOrderField' });

export enum CustomerOrderField {
  NAME = 'name',
  CREATED_AT = 'createdAt',
}
registerEnumType(CustomerOrderField, { name: 'CustomerOrderField' });
