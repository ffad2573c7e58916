/** The delivery queue gives items back by moment, and in scheduling order among equal moments. */
import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../../src/simulate/delivery-queue.ts';
import { Random } from '../../../src/simulate/random.ts';

describe('DeliveryQueue', () => {
  it('pops by moment, ties in push order', () => {
    const queue = new DeliveryQueue<string>();
    queue.push(5, 'e1');
    queue.push(1, 'a');
    queue.push(5, 'e2');
    queue.push(3, 'c');
    queue.push(5, 'e3');
    queue.push(1, 'b');
    expect(queue.peekAt()).toBe(1);
    const out: string[] = [];
    while (queue.size > 0) out.push(queue.pop());
    expect(out).toEqual(['a', 'b', 'c', 'e1', 'e2', 'e3']);
    expect(queue.peekAt()).toBe(Number.POSITIVE_INFINITY);
    expect(() => queue.pop()).toThrow(/empty/);
  });

  it('always pops the least (moment, push order) present, pushes and pops interleaved', () => {
    const random = new Random(1, 'queue-test');
    const queue = new DeliveryQueue<number>();
    const present: { at: number; id: number }[] = [];
    const popAndCheck = () => {
      let best = 0;
      for (let i = 1; i < present.length; i++) {
        const p = present[i];
        const b = present[best];
        if (p !== undefined && b !== undefined && (p.at < b.at || (p.at === b.at && p.id < b.id))) best = i;
      }
      const [expected] = present.splice(best, 1);
      expect(queue.pop()).toBe(expected?.id);
    };
    for (let id = 0; id < 3000; id++) {
      const at = random.int(0, 400);
      present.push({ at, id });
      queue.push(at, id);
      if (random.chance(0.4)) popAndCheck();
    }
    while (present.length > 0) popAndCheck();
    expect(queue.size).toBe(0);
  });
});
