/**
 * Writes the processor's flushes, one at a time: the dead letters first, then the batch for the
 * fact sink (each waiting out outages), then it acknowledges the messages whose effect they
 * stored. A write holds what it took out of the buffer, so the processor may handle the next
 * messages into a new buffer while ClickHouse works (the consumer loop decides when that is safe).
 */
import type { PipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import type { DeadLetterSink, FactSink } from './contracts.ts';
import type { OffsetTracker } from './offset-tracker.ts';
import { rowsOf, type TakenWrites } from './pending-writes.ts';

export interface FlushWriterDeps {
  readonly sink: FactSink;
  readonly deadLetters: DeadLetterSink;
  readonly telemetry: PipelineMetrics;
  readonly now: () => number;
  readonly retry: <T>(what: string, step: () => Promise<T>) => Promise<T>;
}

export class FlushWriter {
  readonly #deps: FlushWriterDeps;
  readonly #offsets: OffsetTracker;
  /** The write started last, until it is stored or failed (never rejects). */
  #writing: Promise<unknown> = Promise.resolve();
  /** Per partition, how often it was revoked: acknowledgements of a write started before do not count. */
  readonly #revocations = new Map<number, number>();
  #acknowledged = 0;

  /** Takes back what a failed write held, so the next flush writes it (nothing is lost). */
  readonly #putBack: (taken: TakenWrites) => void;

  constructor(deps: FlushWriterDeps, offsets: OffsetTracker, putBack: (taken: TakenWrites) => void) {
    this.#deps = deps;
    this.#offsets = offsets;
    this.#putBack = putBack;
  }

  /** Messages whose effect was stored, since start. */
  get acknowledgedCount(): number {
    return this.#acknowledged;
  }

  /** Resolves once the write started last is stored or failed (never rejects). */
  idle(): Promise<unknown> {
    return this.#writing;
  }

  /** A partition moved to another consumer: writes under way no longer acknowledge its messages. */
  revoked(partition: number): void {
    this.#revocations.set(partition, (this.#revocations.get(partition) ?? 0) + 1);
  }

  /** Starts writing `taken` (after idle()); resolves with the offsets committable once it is stored. */
  start(taken: TakenWrites): Promise<Map<number, number>> {
    const written = this.#write(taken, new Map(this.#revocations)).catch((error: unknown) => {
      this.#putBack(taken);
      throw error;
    });
    this.#writing = written.catch(() => undefined);
    return written;
  }

  async #write(
    taken: TakenWrites,
    revocationsAtStart: ReadonlyMap<number, number>,
  ): Promise<Map<number, number>> {
    const { deadLetters, sink, retry, telemetry } = this.#deps;
    if (taken.deadLetters.length > 0) {
      const started = performance.now();
      await retry('dead-letter topic', () => deadLetters.send(taken.deadLetters));
      telemetry.sinkLatency.observe({ sink: 'dead_letters' }, (performance.now() - started) / 1000);
    }
    if (rowsOf(taken.batch) > 0) {
      const started = performance.now();
      await retry('ClickHouse', () => sink.write(taken.batch));
      telemetry.sinkLatency.observe({ sink: 'clickhouse' }, (performance.now() - started) / 1000);
    }
    const now = this.#deps.now();
    for (const { partition, offset } of taken.acks) {
      // A partition revoked meanwhile is its new owner's, who replays it from the committed
      // offset; if it comes back here, it starts afresh from there too.
      if ((this.#revocations.get(partition) ?? 0) !== (revocationsAtStart.get(partition) ?? 0)) continue;
      this.#offsets.acknowledged(partition, offset);
      this.#acknowledged++;
    }
    for (const produced of taken.producedAtOfFinalized)
      telemetry.eventToRow.observe(Math.max(0, now - produced) / 1000);
    return this.#offsets.committable();
  }
}
