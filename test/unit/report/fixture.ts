// A hand-made yearly report for the renderer tests. Counts are chosen so the printed figures can be
// worked out by hand (in the comments); the tests assert those hand-worked texts, never figures
// computed by the code under test.
import type {
  GemeenteMonth,
  GemeenteReport,
  KpiFigure,
  QueueMonth,
  QueueYear,
} from '../../../src/report/model.ts';

/** A queue name with markup in it, to check that every name is escaped. */
export const TRICKY_NAME = `Burgerzaken & <script>alert("x")</script> 'Vergunningen'`;

const YEAR = 2025;
const monthOf = (i: number) => `${YEAR}-${String(i + 1).padStart(2, '0')}`;

function queueMonth(i: number, counts: Partial<Omit<QueueMonth, 'month'>> = {}): QueueMonth {
  return {
    month: monthOf(i),
    offered: 0,
    answered: 0,
    answeredWithinSl: 0,
    abandoned: 0,
    timedOut: 0,
    shortAbandoned: 0,
    outOfHours: 0,
    transferredOut: 0,
    offeredFromTransfer: 0,
    answeredFromTransfer: 0,
    answeredWaitMsSum: 0,
    ...counts,
  };
}

function gemeenteMonth(i: number, counts: Partial<Omit<GemeenteMonth, 'month'>> = {}): GemeenteMonth {
  return {
    month: monthOf(i),
    callsWithOfferedLeg: 0,
    callsLastOfferedAnswered: 0,
    calls: 0,
    repeatCalls: 0,
    surveyAnswers: 0,
    surveySatisfied: 0,
    callbacksDue: 0,
    callbacksJudged: 0,
    callbacksOnTime: 0,
    ...counts,
  };
}

/** Twelve months: the given ones by index (0 = January), the rest all zero (no legs). */
function months<T>(make: (i: number) => T, given: Readonly<Record<number, T>>): T[] {
  return Array.from({ length: 12 }, (_, i) => given[i] ?? make(i));
}

export const kcc: QueueYear = {
  queue: 'kcc',
  queueName: 'KCC',
  kind: 'kcc',
  reachabilityTarget: 0.9,
  months: months((i) => queueMonth(i), {
    // January: 87 of 100 answered = 87,0%; 70 within 25 s = 70,0%; ASA 1 600 500 ms / 87 = 18 396,6 ms = 18,4 s.
    0: queueMonth(0, {
      offered: 100,
      answered: 87,
      answeredWithinSl: 70,
      abandoned: 10,
      timedOut: 3,
      shortAbandoned: 4,
      outOfHours: 6,
      transferredOut: 20,
      answeredWaitMsSum: 1_600_500,
    }),
    // February: 349 of 400 = 87,25% -> "87,3%" (half up); 300 within 25 s of 400 = 75,0%;
    // ASA 10 470 000 ms / 349 = 30 000 ms = 30,0 s.
    1: queueMonth(1, { offered: 400, answered: 349, answeredWithinSl: 300, answeredWaitMsSum: 10_470_000 }),
    // March: 1 234 offered ("1.234"), 1 111 answered = 90,03...% -> "90,0%"; 1 000 within = 81,03...% -> "81,0%";
    // ASA 22 220 000 ms / 1 111 = 20 000 ms = 20,0 s.
    2: queueMonth(2, {
      offered: 1234,
      answered: 1111,
      answeredWithinSl: 1000,
      answeredWaitMsSum: 22_220_000,
    }),
    // April..December: nothing offered -> every ratio "–".
  }),
  waitBuckets: [
    { upToSeconds: 10, answered: 900 },
    { upToSeconds: 25, answered: 400 },
    { upToSeconds: 60, answered: 200 },
    { upToSeconds: null, answered: 47 },
  ],
};

export const burgerzaken: QueueYear = {
  queue: 'burgerzaken',
  queueName: TRICKY_NAME,
  kind: 'vakafdeling',
  reachabilityTarget: 0.8,
  months: months((i) => queueMonth(i), {
    // January: 45 of 50 = 90,0%; from a transfer 16 of 20 = 80,0%.
    0: queueMonth(0, {
      offered: 50,
      answered: 45,
      answeredWithinSl: 40,
      offeredFromTransfer: 20,
      answeredFromTransfer: 16,
      answeredWaitMsSum: 450_000,
    }),
    // February: 3 of 4 = 75,0%; from a transfer 2 of 3 = 66,666...% -> "66,7%".
    1: queueMonth(1, {
      offered: 4,
      answered: 3,
      answeredWithinSl: 3,
      offeredFromTransfer: 3,
      answeredFromTransfer: 2,
      answeredWaitMsSum: 30_000,
    }),
  }),
  waitBuckets: [
    { upToSeconds: 10, answered: 30 },
    { upToSeconds: 25, answered: 13 },
    { upToSeconds: null, answered: 5 },
  ],
};

export const belastingen: QueueYear = {
  queue: 'belastingen',
  queueName: 'Belastingen',
  kind: 'vakafdeling',
  reachabilityTarget: 0.8,
  months: months((i) => queueMonth(i), {
    0: queueMonth(0, { offered: 10, answered: 8, answeredWithinSl: 5, answeredWaitMsSum: 160_000 }),
  }),
  waitBuckets: [
    { upToSeconds: 10, answered: 4 },
    { upToSeconds: null, answered: 4 },
  ],
};

function figure(
  numerator: number,
  denominator: number,
  realisatie: number | null,
  streefcijfer: number | null,
  gehaald: boolean | null,
  complete = true,
): KpiFigure {
  return { numerator, denominator, realisatie, streefcijfer, gehaald, complete };
}

export const report: GemeenteReport = {
  gemeente: { code: '0344', name: 'Utrecht' },
  year: YEAR,
  years: [2023, 2024, 2025],
  // 10:30 UTC is 12:30 in Amsterdam (summer time); July is the running month.
  generatedAt: '2025-07-15T10:30:00Z',
  yearComplete: false,
  norm: { id: 'vng-kwaliteitshandvest-25s', shortAbandonBelowSeconds: 5, serviceLevelWithinSeconds: 25 },
  kpiTable: [
    {
      kpi: 'reachability',
      queue: 'kcc',
      queueName: 'KCC',
      scope: 'kcc',
      direction: 'higher',
      normId: null,
      years: [
        // 2023: no data -> "–".
        { year: 2023, figure: null },
        // 2024: 8 730 of 10 000 = 87,3%, target 90% not met.
        { year: 2024, figure: figure(8730, 10_000, 0.873, 0.9, false) },
        // 2025 (running): 1 800 of 2 000 = 90,0%, target 90% met (for now).
        { year: 2025, figure: figure(1800, 2000, 0.9, 0.9, true, false) },
      ],
    },
    {
      kpi: 'serviceLevel',
      queue: 'kcc',
      queueName: 'KCC',
      scope: 'kcc',
      direction: 'higher',
      normId: 'vng-kwaliteitshandvest-25s',
      years: [
        { year: 2023, figure: null },
        // 2024: 6 543 of 10 000 = 65,43% -> "65,4%"; no target.
        { year: 2024, figure: figure(6543, 10_000, 0.6543, null, null) },
        // 2025: 1 370 of 2 000 = 68,5%; target 70% not met.
        { year: 2025, figure: figure(1370, 2000, 0.685, 0.7, false, false) },
      ],
    },
    {
      kpi: 'reachability',
      queue: 'burgerzaken',
      queueName: TRICKY_NAME,
      scope: 'vakafdeling',
      direction: 'higher',
      normId: null,
      years: [
        { year: 2023, figure: null },
        { year: 2024, figure: null },
        // 48 of 54 = 88,888...% -> "88,9%".
        { year: 2025, figure: figure(48, 54, 48 / 54, 0.8, true, false) },
      ],
    },
    {
      kpi: 'repeatRate',
      queue: null,
      queueName: 'Utrecht',
      scope: 'gemeente',
      direction: 'lower',
      normId: null,
      years: [
        // 2023: 0 calls -> no value.
        { year: 2023, figure: figure(0, 0, null, 0.2, null) },
        // 2024: 250 of 1 000 = 25,0%, above the 20% target: not met.
        { year: 2024, figure: figure(250, 1000, 0.25, 0.2, false) },
        // 2025: 150 of 1 000 = 15,0%: met.
        { year: 2025, figure: figure(150, 1000, 0.15, 0.2, true, false) },
      ],
    },
    {
      kpi: 'satisfaction',
      queue: null,
      queueName: 'Utrecht',
      scope: 'gemeente',
      direction: 'higher',
      normId: null,
      years: [
        { year: 2023, figure: null },
        { year: 2024, figure: figure(34, 40, 0.85, 0.8, true) },
        // 2025: no answers yet -> "–", gehaald "–", the target still prints: 80,0%.
        { year: 2025, figure: figure(0, 0, null, 0.8, null, false) },
      ],
    },
  ],
  queues: [kcc, burgerzaken, belastingen],
  months: months((i) => gemeenteMonth(i), {
    // January: end-to-end 81 of 90 = 90,0%; repeat 30 of 200 = 15,0%; satisfied 34 of 40 = 85,0%;
    // callbacks on time 15 of 18 judged = 83,333...% -> "83,3%" (20 due, 2 not yet judged).
    0: gemeenteMonth(0, {
      callsWithOfferedLeg: 90,
      callsLastOfferedAnswered: 81,
      calls: 200,
      repeatCalls: 30,
      surveyAnswers: 40,
      surveySatisfied: 34,
      callbacksDue: 20,
      callbacksJudged: 18,
      callbacksOnTime: 15,
    }),
    // February: callbacks 2 of 3 = "66,7%"; no survey answers -> "–".
    1: gemeenteMonth(1, {
      calls: 10,
      repeatCalls: 1,
      callbacksDue: 3,
      callbacksJudged: 3,
      callbacksOnTime: 2,
    }),
  }),
  callbacksOnTimeTarget: 0.95,
};

/** The same report once the year is over. */
export const completeReport: GemeenteReport = {
  ...report,
  generatedAt: '2026-01-05T08:00:00Z',
  yearComplete: true,
};
