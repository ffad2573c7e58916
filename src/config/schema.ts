/**
 * The one schema for every setting in bereik's configuration file. Validation happens once, at
 * start; unknown keys are rejected (a typo must not silently fall back to a default), and
 * cross-field rules (one KCC per gemeente, unique ids, valid hours) are checked here too.
 * Secrets are not in this file: they come from the environment (see load.ts).
 */
import { z } from 'zod';
import { parseInterval } from '../domain/opening-hours.ts';
import { reportKpis } from '../domain/kpi.ts';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'is not a calendar date',
    },
  );

const ratio = z
  .number()
  .min(0, 'must be between 0 and 1 (0.8 means 80%)')
  .max(1, 'must be between 0 and 1 (0.8 means 80%)');

const interval = z.string().transform((text, ctx) => {
  try {
    return parseInterval(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

const weeklyHoursSchema = z
  .strictObject(
    Object.fromEntries(weekdays.map((d) => [d, z.array(interval).default([])])) as Record<
      (typeof weekdays)[number],
      z.ZodDefault<z.ZodArray<typeof interval>>
    >,
  )
  .superRefine((hours, ctx) => {
    for (const day of weekdays) {
      const sorted = [...hours[day]].sort((a, b) => a.startMinute - b.startMinute);
      for (let i = 1; i < sorted.length; i++) {
        const previous = sorted[i - 1];
        const current = sorted[i];
        if (previous !== undefined && current !== undefined && current.startMinute < previous.endMinute) {
          ctx.addIssue({
            code: 'custom',
            path: [day],
            message: 'opening intervals overlap; merge them into one',
          });
        }
      }
    }
  });

const queueSchema = z.strictObject({
  /** The queue's id in the switch (the `queue` field of its events), e.g. `kcc`, `burgerzaken`. */
  id: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be lower case letters, digits, - or _ (the switch queue id)'),
  /** First line (the KCC) or second line (a vakafdeling). */
  kind: z.enum(['kcc', 'vakafdeling']),
  /** Display name, shown in dashboards and reports. */
  name: z.string().min(1),
  /** Opening hours per weekday in Europe/Amsterdam time, e.g. `mon: ['08:30-17:00']`. */
  hours: weeklyHoursSchema,
  /** A 24/7 line stays open on holidays and the gemeente's closing days. @default false */
  openOnClosingDays: z.boolean().default(false),
});

const gemeenteSchema = z
  .strictObject({
    /** CBS municipality code, e.g. GM0307 (Amersfoort). */
    code: z.string().regex(/^GM\d{4}$/, 'must be a CBS code like GM0307'),
    name: z.string().min(1),
    /** The 14-number, e.g. `14033`. */
    dialledNumber: z.string().regex(/^14\d{2,4}$/, 'must be a 14-number like 14033'),
    /** Extra closing days besides the Cao Gemeenten holidays (local holidays, the Friday after Hemelvaart, ...). */
    closingDays: z.array(isoDate).default([]),
    queues: z.array(queueSchema).min(1, 'needs at least its KCC queue'),
  })
  .superRefine((g, ctx) => {
    const ids = new Set<string>();
    g.queues.forEach((q, i) => {
      if (ids.has(q.id))
        ctx.addIssue({
          code: 'custom',
          path: ['queues', i, 'id'],
          message: `queue id '${q.id}' appears twice`,
        });
      ids.add(q.id);
      if (q.id === 'unknown') {
        ctx.addIssue({
          code: 'custom',
          path: ['queues', i, 'id'],
          message: "'unknown' is reserved for events of unconfigured queues",
        });
      }
    });
    const kccs = g.queues.filter((q) => q.kind === 'kcc').length;
    if (kccs !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['queues'],
        message: `needs exactly one queue of kind kcc, found ${kccs}`,
      });
  });

const targetOverrideSchema = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    /** Leave out to apply to every gemeente. */
    gemeente: z
      .string()
      .regex(/^GM\d{4}$/)
      .optional(),
    /** Leave out to apply to every queue. */
    queue: z.string().optional(),
    reachability: ratio.optional(),
    serviceLevel: ratio.optional(),
    firstLineResolution: ratio.optional(),
    callbacksOnTime: ratio.optional(),
    endToEndReachability: ratio.optional(),
    repeatRate: ratio.optional(),
    satisfaction: ratio.optional(),
  })
  .refine((t) => reportKpis.some((kpi) => t[kpi] !== undefined), {
    message: `sets no target: give at least one of ${reportKpis.join(', ')}`,
  });

export const configSchema = z
  .strictObject({
    /** The configuration format version. */
    version: z.literal(1),
    /** Which waits count as short abandons and within service level; published figures name the norm's id. */
    norm: z
      .strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a short lower-case id, e.g. vng-2024-25s'),
        shortAbandonBelowSeconds: z.number().min(0).default(5),
        serviceLevelWithinSeconds: z.number().positive().default(25),
      })
      .prefault({ id: 'vng-kwaliteitshandvest-25s' }),
    kafka: z
      .strictObject({
        topic: z.string().min(1).default('switch.call-events.v1'),
        deadLetterTopic: z.string().min(1).default('bereik.dead-letters.v1'),
        groupId: z.string().min(1, 'Kafka groupId must be a non-empty string').default('bereik'),
        clientId: z.string().min(1).default('bereik'),
        /** The consumer group session timeout: how soon a crashed processor's partitions move to another. @default 30000 */
        sessionTimeoutMs: z
          .number()
          .int()
          .min(6000, 'must be at least 6000 (the broker minimum)')
          .default(30_000),
      })
      .prefault({}),
    processing: z
      .strictObject({
        /** Events up to this much later than their window's end still update the live window. @default 300 */
        allowedLatenessSeconds: z.number().int().min(0).default(300),
        /** A call with no event for this long is closed and counted (its open legs as abandoned). @default 14400 */
        callTimeoutSeconds: z
          .number()
          .int()
          .positive()
          .default(4 * 3600),
        /** A final call stays in memory this long (event time) so a late event corrects it cheaply; later ones go through ClickHouse. @default 3600 */
        correctionWindowSeconds: z.number().int().min(0).default(3600),
        /** A partition read to its end with no message for this long lets event time follow the wall clock, so the last calls of a quiet period become final. @default 10 */
        idleAdvanceSeconds: z.number().positive().default(10),
        /** Events further ahead of this processor's clock are dead-lettered (impossible-timestamp); a switch clock fast by less is accepted. @default 600 */
        maxFutureSkewSeconds: z.number().int().positive().default(600),
        /** With messages waiting to be committed and no progress (no commit moved, nothing acknowledged by the sinks) for this long, /readyz reports a stall (and bereik_commit_stalled_seconds shows it). @default 600 */
        stallSeconds: z.number().int().positive().default(600),
        /** An open terugbelverzoek leaves memory this many days (event time) after its request; it stays counted as open and overdue, and its completion is read back from ClickHouse. At least 14, so it is always past its due moment. @default 30 */
        openCallbackHorizonDays: z.number().int().min(14).default(30),
      })
      .prefault({}),
    clickhouse: z
      .strictObject({
        database: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
          .default('bereik'),
        /** Rows older than this are dropped from the fact and minute tables. @default 84 (7 years) */
        retentionMonths: z.number().int().positive().default(84),
        batchMaxRows: z.number().int().positive().default(10_000),
        batchMaxWaitMs: z.number().int().positive().default(1000),
        /** While at least batchMaxRows messages wait unread in Kafka: larger, fewer flushes. */
        backlogBatchMaxRows: z.number().int().positive().default(50_000),
        backlogBatchMaxWaitMs: z.number().int().positive().default(5000),
      })
      .prefault({}),
    http: z
      .strictObject({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(1).max(65535).default(9464),
      })
      .prefault({}),
    targets: z
      .strictObject({
        defaults: z
          .strictObject({
            kccReachability: ratio.default(0.9),
            vakafdelingReachability: ratio.default(0.8),
            callbacksOnTime: ratio.default(0.95),
            /** Service level of every queue (and all queues together); no streefcijfer when left out. */
            serviceLevel: ratio.optional(),
            /** First-line resolution of the KCC; no streefcijfer when left out. */
            kccFirstLineResolution: ratio.optional(),
            /** Per gemeente; no streefcijfer when left out. */
            endToEndReachability: ratio.optional(),
            /** Per gemeente, lower is better; no streefcijfer when left out. */
            repeatRate: ratio.optional(),
            /** Per gemeente (share of scores 4-5); no streefcijfer when left out. */
            satisfaction: ratio.optional(),
          })
          .prefault({}),
        overrides: z.array(targetOverrideSchema).default([]),
      })
      .prefault({}),
    gemeenten: z.array(gemeenteSchema).min(1, 'configure at least one gemeente'),
  })
  .superRefine((config, ctx) => {
    const codes = new Set<string>();
    config.gemeenten.forEach((g, i) => {
      if (codes.has(g.code))
        ctx.addIssue({
          code: 'custom',
          path: ['gemeenten', i, 'code'],
          message: `gemeente ${g.code} appears twice`,
        });
      codes.add(g.code);
    });
    config.targets.overrides.forEach((t, i) => {
      const gemeente =
        t.gemeente === undefined ? undefined : config.gemeenten.find((g) => g.code === t.gemeente);
      if (t.gemeente !== undefined && gemeente === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', 'overrides', i, 'gemeente'],
          message: `gemeente ${t.gemeente} is not configured`,
        });
      }
      if (
        t.queue !== undefined &&
        !config.gemeenten.some(
          (g) => (gemeente === undefined || g === gemeente) && g.queues.some((q) => q.id === t.queue),
        )
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', 'overrides', i, 'queue'],
          message: `queue ${t.queue} is not configured`,
        });
      }
    });
    if (config.kafka.topic === config.kafka.deadLetterTopic) {
      ctx.addIssue({
        code: 'custom',
        path: ['kafka', 'deadLetterTopic'],
        message: 'must differ from kafka.topic',
      });
    }
  });

/** The configuration file as written (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration. */
export type ConfigFile = z.output<typeof configSchema>;
export type GemeenteConfig = ConfigFile['gemeenten'][number];
export type QueueConfig = GemeenteConfig['queues'][number];
