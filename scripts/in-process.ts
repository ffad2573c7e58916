/**
 * What the benchmarks of the processor alone share: a store that keeps nothing, and how they
 * spread messages over partitions.
 */
import { InMemorySink } from '../test/helpers/in-memory-sink.ts';

/** Acknowledges every write and keeps nothing: the benchmarks measure the processor, not a store. */
export class DiscardingSink extends InMemorySink {
  override write(): Promise<void> {
    return Promise.resolve();
  }
}

/** A partition by a hash of the message key, as Kafka's partitioner spreads keys (not its hash). */
export function partitionOfKey(key: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(h) % partitions;
}
