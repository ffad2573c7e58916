/**
 * How much heap the repeat-caller window takes: a week of call starts is what a processor must
 * hold to tell a repeat caller (docs/performance.md, the memory soak). Feeds `--starts` call
 * starts of ten gemeenten, 0.8 s apart, from callers drawn among 0.8 x that many numbers, into a
 * RepeatCallerTracker and prints the heap they hold after a full garbage collection.
 *
 *   node --expose-gc --import tsx scripts/bench-repeat-memory.ts [--starts 750000]
 */
import { createHmac, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { CallStarted } from '../src/events/call-event.ts';
import { RepeatCallerTracker } from '../src/transforms/track-repeat-callers/repeat-tracker.ts';
import { Random } from '../src/simulate/random.ts';

const { values } = parseArgs({ options: { starts: { type: 'string', default: '750000' } } });
const starts = Number(values.starts);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (see the usage at the top of this file)');

gc();
const before = process.memoryUsage().heapUsed;
const tracker = new RepeatCallerTracker(3_600_000);
const random = new Random(1, 'bench-repeat-memory');
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
    // As the processor pseudonymises a caller's number: an HMAC in hex.
    callerKey: createHmac('sha256', 'bench').update(String(caller)).digest('hex'),
    dialledNumber: '14033',
  };
  tracker.apply(event, RepeatCallerTracker.output());
}
gc();
const held = process.memoryUsage().heapUsed - before;
console.log(
  `${starts} call starts of ${tracker.callersInMemory} callers: ${(held / 2 ** 20).toFixed(0)} MiB of heap, ` +
    `${(held / starts).toFixed(0)} bytes a start`,
);
