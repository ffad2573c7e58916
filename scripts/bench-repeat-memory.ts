/**
 * How much heap the repeat-caller window takes: a week of call starts is what a processor must
 * hold to tell a repeat caller (docs/performance.md, the memory soak). Feeds `--starts` call
 * starts of ten gemeenten, 0.8 s apart, from callers drawn among 0.8 x that many numbers, into a
 * RepeatCallerTracker and prints the memory they hold after a full garbage collection (the heap and
 * the typed arrays' backing stores).
 *
 *   node --expose-gc --import tsx scripts/bench-repeat-memory.ts [--starts 750000]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { CallStarted } from '../src/events/call-event.ts';
import { RepeatCallerTracker } from '../src/transforms/track-repeat-callers/repeat-tracker.ts';
import { Random } from '../src/simulate/random.ts';
import { pseudonymiser } from '../src/sources/kafka/pseudonymise.ts';

const { values } = parseArgs({ options: { starts: { type: 'string', default: '750000' } } });
const starts = Number(values.starts);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (see the usage at the top of this file)');

/** The heap and the typed arrays' backing stores, which live outside it. */
const inUse = (): number => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};
gc();
const before = inUse();
const tracker = new RepeatCallerTracker(3_600_000);
const random = new Random(1, 'bench-repeat-memory');
const pseudonymise = pseudonymiser('bench');
const from = Date.parse('2025-01-06T08:00:00Z');
for (let i = 0; i < starts; i++) {
  const caller = random.int(0, Math.floor(starts * 0.8));
  const event: CallStarted = {
    type: 'CALL_STARTED',
    eventId: randomUUID(),
    occurredAt: from + i * 800,
    gemeente: `GM900${i % 10}`,
    // Flat, as Avro decoding makes it: randomUUID() itself returns a rope of 15 pieces.
    callId: Buffer.from(randomUUID()).toString(),
    callerKey: pseudonymise(`+316${String(caller).padStart(8, '0')}`),
    dialledNumber: '14033',
  };
  tracker.apply(event, RepeatCallerTracker.output());
}
gc();
const held = inUse() - before;
console.log(
  `${starts} call starts of ${tracker.callersInMemory} callers: ${(held / 2 ** 20).toFixed(0)} MiB of heap and array buffers, ` +
    `${(held / starts).toFixed(0)} bytes a start`,
);
