/**
 * The processor's own health metrics, all names in one place: throughput, dead letters,
 * duplicates, corrections, consumer lag, sink latency, state size and commit progress.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { deadLetterReasons } from '../events/dead-letter.ts';

/** The dependencies bereik waits out when they are down; the `sink` label of the sink metrics. */
export const dependencyLabels = ['clickhouse', 'kafka', 'schema_registry', 'dead_letters'] as const;

/** The label for a retried step's name ('ClickHouse history', 'dead-letter topic', ...). */
export function dependencyLabel(what: string): (typeof dependencyLabels)[number] {
  const w = what.toLowerCase();
  if (w.includes('clickhouse')) return 'clickhouse';
  if (w.includes('registry')) return 'schema_registry';
  if (w.includes('dead-letter')) return 'dead_letters';
  return 'kafka';
}

export class PipelineMetrics {
  readonly events: Counter<'result'>;
  readonly deadLetters: Counter<'reason'>;
  readonly corrections: Counter<'kind'>;
  readonly orphans: Counter<'kind'>;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly sinkLatency: Histogram<'sink'>;
  readonly sinkErrors: Counter<'sink'>;
  readonly openCalls: Gauge;
  readonly callsInMemory: Gauge;
  readonly openCallbacks: Gauge;
  readonly repeatWindowStarts: Gauge;
  readonly watermark: Gauge;
  readonly lastCommit: Gauge<'partition'>;
  readonly commitStalled: Gauge;
  readonly committedOffset: Gauge<'topic' | 'partition'>;
  readonly eventToCount: Histogram;
  readonly eventToRow: Histogram;
  readonly registryRetries: Counter;
  readonly incompleteLegs: Counter;
  readonly pendingRows: Gauge;
  readonly flushes: Counter<'while_reading'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'bereik_events_total',
      help: 'Messages consumed from the switch topic, by what became of them: accepted, duplicate, dead_lettered, orphan, redelivered (already in memory).',
      labelNames: ['result'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'bereik_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by reason.',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of Object.keys(deadLetterReasons)) this.deadLetters.inc({ reason }, 0);
    for (const result of ['accepted', 'duplicate', 'dead_lettered', 'orphan', 'redelivered'])
      this.events.inc({ result }, 0);
    this.corrections = new Counter({
      name: 'bereik_corrections_total',
      help: 'Facts recomputed after a late event beyond the allowed lateness (calls) or a late earlier call (repeat).',
      labelNames: ['kind'],
      registers,
    });
    this.orphans = new Counter({
      name: 'bereik_orphan_events_total',
      help: 'Events for calls no longer in memory, resolved against the ClickHouse event history.',
      labelNames: ['kind'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'bereik_consumer_lag_messages',
      help: 'Messages in the partition not yet consumed (high watermark minus next offset).',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.sinkLatency = new Histogram({
      name: 'bereik_sink_write_seconds',
      help: 'Time to write one flushed batch, by sink (clickhouse, dead_letters).',
      labelNames: ['sink'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.sinkErrors = new Counter({
      name: 'bereik_sink_errors_total',
      help: 'Failed calls to a dependency, retried with backoff, by dependency: clickhouse, kafka, schema_registry, dead_letters.',
      labelNames: ['sink'],
      registers,
    });
    for (const sink of dependencyLabels) {
      this.sinkErrors.inc({ sink }, 0);
      this.sinkLatency.zero({ sink });
    }
    for (const kind of ['call', 'repeat']) this.corrections.inc({ kind }, 0);
    for (const kind of ['call', 'callback', 'survey']) this.orphans.inc({ kind }, 0);
    this.openCalls = new Gauge({
      name: 'bereik_open_calls',
      help: 'Calls not yet final, in memory.',
      registers,
    });
    this.callsInMemory = new Gauge({
      name: 'bereik_calls_in_memory',
      help: 'Calls in memory: open plus final ones kept for corrections.',
      registers,
    });
    this.openCallbacks = new Gauge({
      name: 'bereik_callbacks_in_memory',
      help: 'Callbacks in memory.',
      registers,
    });
    this.repeatWindowStarts = new Gauge({
      name: 'bereik_repeat_window_starts',
      help: 'Call starts in memory for repeat callers: the last 168 h of event time and the correction horizon.',
      registers,
    });
    this.watermark = new Gauge({
      name: 'bereik_watermark_seconds',
      help: 'Event-time watermark: the latest switch time seen, as Unix seconds.',
      registers,
    });
    this.commitStalled = new Gauge({
      name: 'bereik_commit_stalled_seconds',
      help: 'How long messages of the partitions this processor owns have waited to be committed with no progress (no commit moved and the sinks acknowledged nothing); 0 when none wait or the pipeline moves.',
      registers,
    });
    this.lastCommit = new Gauge({
      name: 'bereik_last_commit_timestamp_seconds',
      help: 'When offsets were last committed, Unix seconds; time() minus this is the age of the last commit.',
      labelNames: ['partition'],
      registers,
    });
    this.committedOffset = new Gauge({
      name: 'bereik_committed_offset',
      help: 'The last committed offset per partition.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.eventToCount = new Histogram({
      name: 'bereik_event_to_metric_seconds',
      help: "From the Kafka timestamp of a call's last event to its facts being counted in Prometheus (includes the allowed lateness a call waits).",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.eventToRow = new Histogram({
      name: 'bereik_event_to_row_seconds',
      help: "From the Kafka timestamp of a call's last event to its facts being acknowledged by ClickHouse (includes the allowed lateness).",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.pendingRows = new Gauge({
      name: 'bereik_pending_rows',
      help: 'Rows, dead letters and acknowledgements waiting for the next flush.',
      registers,
    });
    this.flushes = new Counter({
      name: 'bereik_flushes_total',
      help: 'Flushes written; while_reading="true": while the next batch was read (catching up on a backlog).',
      labelNames: ['while_reading'],
      registers,
    });
    this.incompleteLegs = new Counter({
      name: 'bereik_incomplete_legs_total',
      help: 'Legs with an outcome but no QUEUE_ENTERED when their call became final: not counted until the QUEUE_ENTERED arrives.',
      registers,
    });
    this.registryRetries = new Counter({
      name: 'bereik_schema_registry_retries_total',
      help: 'Schema Registry lookups retried because the registry did not answer.',
      registers,
    });
  }
}
