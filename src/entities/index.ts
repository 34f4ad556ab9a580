// The explicit entity registry: MikroORM is given exactly this list (no folder globbing).
import { Accessory } from './accessory.entity';
import { AlertEvent } from './alert-event.entity';
import { Alert } from './alert.entity';
import { AlertNotificationGroup } from './alert-notification-group.entity';
import { ApiKey } from './api-key.entity';
import { AuditEvent } from './audit-event.entity';
import { BillingStatementLine } from './billing-statement-line.entity';
import { BillingStatement } from './billing-statement.entity';
import { Cartridge } from './cartridge.entity';
import { ClosePeriodRun } from './close-period-run.entity';
import { CollectorEnrollment } from './collector-enrollment.entity';
import { Collector } from './collector.entity';
import { ContractPrinter } from './contract-printer.entity';
import { Contract } from './contract.entity';
import { Customer } from './customer.entity';
import { DeviceCredential } from './device-credential.entity';
import { EmailMessage } from './email-message.entity';
import { EmailSuppression } from './email-suppression.entity';
import { FailedReport } from './failed-report.entity';
import { MediaSource } from './media-source.entity';
import { MediaType } from './media-type.entity';
import { MeterOffset } from './meter-offset.entity';
import { NotificationRule } from './notification-rule.entity';
import { PriceLine } from './price-line.entity';
import { PrinterJobKey } from './printer-job-key.entity';
import { PrinterJob } from './printer-job.entity';
import { PrinterMediaType } from './printer-media-type.entity';
import { Printer } from './printer.entity';
import { Printhead } from './printhead.entity';
import { RawReport } from './raw-report.entity';
import { RefreshToken } from './refresh-token.entity';
import { Reseller } from './reseller.entity';
import { ReportRun } from './report-run.entity';
import { ReportSchedule } from './report-schedule.entity';
import { Site } from './site.entity';
import { UsageReading } from './usage-reading.entity';
import { UsageReadingBreak } from './usage-reading-break.entity';
import { User } from './user.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { Webhook } from './webhook.entity';

export const entities = [
  Reseller,
  User,
  ApiKey,
  Customer,
  Site,
  Collector,
  CollectorEnrollment,
  DeviceCredential,
  Printer,
  Printhead,
  Cartridge,
  MediaSource,
  MediaType,
  PrinterMediaType,
  Accessory,
  UsageReading,
  UsageReadingBreak,
  PrinterJob,
  PrinterJobKey,
  Alert,
  AlertEvent,
  Contract,
  ContractPrinter,
  PriceLine,
  BillingStatement,
  BillingStatementLine,
  ClosePeriodRun,
  MeterOffset,
  RawReport,
  FailedReport,
  AuditEvent,
  Webhook,
  WebhookDelivery,
  RefreshToken,
  EmailMessage,
  EmailSuppression,
  NotificationRule,
  AlertNotificationGroup,
  ReportSchedule,
  ReportRun,
];

export {
  Accessory,
  Alert,
  AlertNotificationGroup,
  ApiKey,
  AuditEvent,
  BillingStatement,
  BillingStatementLine,
  Cartridge,
  Collector,
  CollectorEnrollment,
  Contract,
  ContractPrinter,
  Customer,
  DeviceCredential,
  EmailMessage,
  EmailSuppression,
  FailedReport,
  MediaSource,
  MediaType,
  MeterOffset,
  NotificationRule,
  PriceLine,
  Printer,
  PrinterJob,
  PrinterJobKey,
  PrinterMediaType,
  Printhead,
  RawReport,
  RefreshToken,
  ReportRun,
  ReportSchedule,
  Reseller,
  Site,
  UsageReading,
  User,
  Webhook,
  WebhookDelivery,
};
