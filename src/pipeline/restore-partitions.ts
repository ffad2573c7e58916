/**
 * A newly assigned partition's open callbacks, read from the store (at start and after a
 * rebalance): those requested before the open-callback horizon as ids, gemeente and queue only,
 * the rest held in memory; both streamed, never one buffered read.
 */
import type { Processor } from './processor.ts';
import type { FactSink } from './contracts.ts';
import type { ReleasedCallback } from '../events/facts.ts';

export interface RestoredPartition {
  readonly partition: number;
  /** Open callbacks held in memory. */
  readonly held: number;
  /** Open callbacks past the horizon, counted only. */
  readonly counted: number;
}

/**
 * Restores one assigned partition's open callbacks, and where its stored callback events end;
 * safe to run again after a failure.
 */
export async function restorePartition(
  processor: Processor,
  sink: FactSink,
  partition: number,
  storedWatermark: number | undefined,
): Promise<RestoredPartition> {
  const before = processor.callbackRestoreLine(storedWatermark);
  const finite = Number.isFinite(before);
  const released = finite ? sink.streamOpenCallbacksBefore(partition, before) : none<ReleasedCallback>();
  const requests = sink.streamOpenCallbackRequests(partition, finite ? before : undefined);
  const lastStoredOffset = await sink.lastCallbackOffset(partition);
  return {
    partition,
    ...(await processor.restoreCallbacks(partition, lastStoredOffset, released, requests)),
  };
}

async function* none<T>(): AsyncIterable<T> {
  // Nothing stored before an unknown line.
}
