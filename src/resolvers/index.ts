// The explicit resolver registry handed to type-graphql's buildSchema.
import type { NonEmptyArray } from 'type-graphql';
import { AlertHistoryResolver } from './alert-history.resolver';
import { AlertLifecycleResolver } from './alert-lifecycle.resolver';
import { AlertSubscriptionResolver } from './alert-subscription.resolver';
import { AlertResolver } from './alert.resolver';
import { ApiKeyResolver } from './api-key.resolver';
import { AuthResolver } from './auth.resolver';
import { ChargebackResolver } from './chargeback.resolver';
import { ClosePeriodRunResolver } from './close-period-run.resolver';
import { CollectorResolver } from './collector.resolver';
import { ContractResolver } from './contract.resolver';
import { CustomerResolver, SiteResolver } from './customer.resolver';
import { EmailResolver } from './email.resolver';
import { ErasureResolver } from './erasure.resolver';
import { NotificationRuleResolver } from './notification-rule.resolver';
import { ReportScheduleResolver } from './report-schedule.resolver';
import { JobResolver } from './job.resolver';
import { MediaTypeResolver } from './media-type.resolver';
import { MeResolver } from './me.resolver';
import { PrinterMeterReadingResolver } from './meter-reading.resolver';
import { MeterOffsetResolver } from './meter-offset.resolver';
import { OperatorResolver } from './operator.resolver';
import { PrinterResolver } from './printer.resolver';
import { StatementResolver } from './statement.resolver';
import { WebhookResolver } from './webhook.resolver';
import { PrinterUsageResolver, UsageSummaryResolver } from './usage.resolver';
import { UserResolver } from './user.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  MeResolver,
  CustomerResolver,
  SiteResolver,
  PrinterResolver,
  MediaTypeResolver,
  JobResolver,
  AlertResolver,
  AlertLifecycleResolver,
  AlertHistoryResolver,
  AlertSubscriptionResolver,
  WebhookResolver,
  CollectorResolver,
  ApiKeyResolver,
  AuthResolver,
  UserResolver,
  OperatorResolver,
  ContractResolver,
  StatementResolver,
  ClosePeriodRunResolver,
  MeterOffsetResolver,
  ChargebackResolver,
  PrinterUsageResolver,
  PrinterMeterReadingResolver,
  UsageSummaryResolver,
  EmailResolver,
  NotificationRuleResolver,
  ReportScheduleResolver,
  ErasureResolver,
];
