/**
 * A newly assigned partition's callbacks, read from the store (at start and after a rebalance):
 * the open ones requested before the open-callback horizon as ids, gemeente and queue only, the
 * later ones held in memory, and so are completions still waiting for their request (a late
 * request applies to them); all streamed, never one buffered read.
 */
import type { Processor } from './processor.ts';
import type { FactSink } from './contracts.ts';
import type { ReleasedCallback } from '../events/facts.ts';

export interface RestoredPartition {
  readonly partition: number;
  /** Callbacks held in memory: open ones, and completions waiting for their request. */
  readonly held: number;
  /** Open callbacks past the horizon, counted only. */
  readonly counted: number;
}

/**
 * Restores one assigned partition's callbacks, and where its stored callback events end; safe to
 * run again after a failure.
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
  const held = concat(
    sink.streamOpenCallbackRequests(partition, finite ? before : undefined),
    sink.streamUnrequestedCompletions(partition),
  );
  const lastStoredOffset = await sink.lastCallbackOffset(partition);
  return {
    partition,
    ...(await processor.restoreCallbacks(partition, lastStoredOffset, released, held)),
  };
}

async function* concat<T>(...streams: AsyncIterable<T>[]): AsyncIterable<T> {
  for (const stream of streams) yield* stream;
}

async function* none<T>(): AsyncIterable<T> {
  // Nothing stored before an unknown line.
}
