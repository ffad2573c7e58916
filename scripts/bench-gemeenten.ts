/**
 * The bench's configured gemeenten: the shipped configuration's, or as many as asked, so
 * throughput and memory can be measured as the number of gemeenten grows (2, 20, 342) for the
 * same total traffic. Extra gemeenten are copies of the shipped ones (their queues, hours and
 * closing days) under codes no real gemeente has (GM9001, GM9002, ...), each with its own
 * 14-number.
 */

/** A gemeente as it stands in the configuration file (before validation). */
type RawGemeente = Record<string, unknown> & { code?: unknown };

/**
 * `count` gemeenten for the configuration file: the shipped ones first (so the shipped targets
 * still name a configured gemeente), then copies of them in turn.
 */
export function benchGemeenten(shipped: readonly RawGemeente[], count: number): RawGemeente[] {
  if (!Number.isInteger(count) || count < 1 || count > 999) {
    throw new RangeError(`the number of gemeenten must be a whole number from 1 to 999, got ${count}`);
  }
  if (shipped.length === 0) throw new RangeError('the configuration has no gemeenten to copy');
  const gemeenten = shipped.slice(0, count);
  for (let i = gemeenten.length; i < count; i++) {
    const template = shipped[i % shipped.length] as RawGemeente;
    const serial = 9000 + i;
    gemeenten.push({
      ...template,
      code: `GM${serial}`,
      name: `Benchgemeente ${serial}`,
      dialledNumber: `14${serial}`,
    });
  }
  return gemeenten;
}

/**
 * Calls a day per gemeente so that `gemeenten` of them make at least as many calls as
 * `totalCallsPerDay` (rounded up: the bench cuts the traffic at its number of messages, so the
 * total is the same however many gemeenten).
 */
export function callsPerGemeente(totalCallsPerDay: number, gemeenten: number): number {
  return Math.max(1, Math.ceil(totalCallsPerDay / gemeenten));
}
