/**
 * Who calls: a gemeente's callers as E.164 numbers (mobile, or a landline in the gemeente's area),
 * some withheld, and some calling again within a week (repeat callers).
 *
 * In: the gemeente's 14-number (its area code), behaviour shares, a random stream, call start times
 * in increasing order. Out: a caller number per call, or null when withheld.
 *
 * A repeat caller is drawn from the callers of the last 7 days, so most calls it makes again fall
 * in the 168-hour repeat window; whether a call really is a repeat is counted by ground-truth.ts
 * from the numbers and times the simulator chose, not decided here.
 */
import type { Random } from './random.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export class CallerPool {
  readonly #random: Random;
  readonly #areaCode: string;
  readonly #withheldRate: number;
  readonly #repeatRate: number;
  // The callers of the last week, oldest first, as a queue over two parallel arrays.
  readonly #numbers: string[] = [];
  readonly #times: number[] = [];
  #head = 0;

  /**
   * @param dialledNumber the gemeente's 14-number; its digits after '14' are the area code without 0
   */
  constructor(random: Random, dialledNumber: string, withheldRate: number, repeatRate: number) {
    this.#random = random;
    this.#areaCode = dialledNumber.slice(2);
    this.#withheldRate = withheldRate;
    this.#repeatRate = repeatRate;
  }

  /** The caller of a call starting at `atMs` (not before the previous one), or null when withheld. */
  next(atMs: number): string | null {
    const r = this.#random;
    if (r.chance(this.#withheldRate)) return null;
    this.#forgetBefore(atMs - WEEK_MS);
    const recent = this.#numbers.length - this.#head;
    let number: string;
    if (recent > 0 && r.chance(this.#repeatRate)) {
      number = this.#numbers[this.#head + Math.floor(r.float() * recent)] as string;
    } else {
      number = this.#freshNumber();
    }
    this.#numbers.push(number);
    this.#times.push(atMs);
    return number;
  }

  #forgetBefore(cutoffMs: number): void {
    while (this.#head < this.#times.length && (this.#times[this.#head] as number) < cutoffMs) this.#head++;
    // Compact now and then, so the arrays hold about a week, not a year.
    if (this.#head > 4096 && this.#head * 2 > this.#times.length) {
      this.#numbers.splice(0, this.#head);
      this.#times.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #freshNumber(): string {
    const r = this.#random;
    if (r.chance(0.65)) return `+316${digits(r, 8)}`;
    return `+31${this.#areaCode}${digits(r, 9 - this.#areaCode.length)}`;
  }
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(random.int(0, 9));
  return text;
}
