/**
 * The domain layer's public API: pure rules with no I/O and no clock (time is passed in as epoch ms,
 * UTC). Europe/Amsterdam local time, the Cao Gemeenten holidays, werkdagen, the callback due rule,
 * queue opening hours, the wait norm and the metric formulas. Import from here, not from the modules.
 */

export {
  addDays,
  endOfLocalDay,
  epochOfLocal,
  isLocalDate,
  isoWeekdayOf,
  isoWeekLabel,
  isoWeekOf,
  localDateOf,
  localPartsOf,
  startOfLocalDay,
  utcOffsetMsAt,
} from './amsterdam-time.ts';
export type { IsoWeek, LocalDate, LocalParts } from './amsterdam-time.ts';

export { caoHolidayName, caoHolidays, isCaoHoliday } from './holidays.ts';

export { WorkCalendar } from './werkdag.ts';

export {
  CALLBACK_DUE_WERKDAGEN,
  callbackDueAt,
  dueLocalDate,
  isCallbackOverdue,
  isCompletedOnTime,
} from './callback-due.ts';

export { ALWAYS_OPEN, formatInterval, isQueueOpen, parseInterval } from './opening-hours.ts';
export type { OpenInterval, QueueSchedule, WeeklyHours } from './opening-hours.ts';

export { createNorm, DEFAULT_NORM, isShortAbandon, isWithinServiceLevel } from './norm.ts';
export type { Norm } from './norm.ts';

export {
  addLegCounts,
  averageAbandonedWaitSeconds,
  averageSpeedOfAnswerSeconds,
  callbacksOnTimeRate,
  endToEndReachability,
  firstLineResolution,
  KPI_METRIC_NAMES,
  KPI_SCOPES,
  isSatisfiedScore,
  reachability,
  REPORT_KPIS,
  reportKpis,
  repeatRate,
  satisfaction,
  serviceLevel,
  transferSuccess,
  zeroLegCounts,
} from './kpi.ts';
export type {
  CallbackOnTimeCounts,
  EndToEndCounts,
  LegCounts,
  MutableLegCounts,
  RepeatCounts,
  KpiScope,
  ReportKpi,
  SatisfactionCounts,
} from './kpi.ts';
