/**
 * How fast the switch simulator generates, alone (no Kafka, no encoding): a year of history for one
 * gemeente by default, with the ground truth counted as it goes. Prints messages per second, the
 * time the year took and the peak heap, so a regression in the generator's hot path shows.
 *
 *   npx tsx scripts/bench-simulate.ts [--gemeente GM0307] [--calls-per-day 1000] [--year 2025] [--faults]
 *
 * --faults turns on every fault at the preset rates (EVERY_FAULT: 2% duplicates, 3% late, 0.5% of each malformed or invalid kind).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/config/load.ts';
import { startOfLocalDay } from '../src/domain/amsterdam-time.ts';
import { SwitchSimulator } from '../src/simulate/index.ts';
import { EVERY_FAULT } from '../src/simulate/options.ts';

const { values } = parseArgs({
  options: {
    gemeente: { type: 'string', default: 'GM0307' },
    'calls-per-day': { type: 'string', default: '1000' },
    year: { type: 'string', default: '2025' },
    faults: { type: 'boolean', default: false },
  },
});

const config = parseConfig(
  parseYaml(readFileSync(new URL('../deploy/config/bereik.yaml', import.meta.url), 'utf8')),
);
const year = Number(values.year);
const faults = values.faults ? EVERY_FAULT : {};

const simulator = new SwitchSimulator(config, {
  seed: 1,
  fromMs: startOfLocalDay(`${year}-01-01`),
  toMs: startOfLocalDay(`${year + 1}-01-01`),
  gemeenten: [values.gemeente],
  callsPerDay: Number(values['calls-per-day']),
  faults,
});

let messages = 0;
let peakHeap = 0;
const started = performance.now();
for (const _ of simulator.messages()) {
  if (++messages % 100_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const seconds = (performance.now() - started) / 1000;
const truth = simulator.groundTruth();
console.log(
  `${values.gemeente}, ${year}, ${values['calls-per-day']} calls on a normal weekday${values.faults ? ', with faults' : ''}: ` +
    `${truth.calls[values.gemeente] ?? 0} calls, ${messages} messages in ${seconds.toFixed(2)} s = ` +
    `${Math.round(messages / seconds).toLocaleString('en')} messages/s; peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB`,
);
