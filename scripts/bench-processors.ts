/**
 * Timing `bereik run` processes on a backlog for the bench: from their start to every message
 * committed by their consumer group, with their peak RSS and their RSS each second. Progress is
 * read from Kafka (the group's committed offsets), a processor's /metrics only at the end: with
 * hundreds of gemeenten a scrape is megabytes of series, and asking often would slow down what
 * is measured.
 */
import { readFileSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import type { StackEndpoints } from '../src/stack/stack.ts';
import { metricValue, startProcessorProcess, type RunNames } from '../test/helpers/pipeline-run.ts';
import type { RssSample } from './rss-plot.ts';

/** The bench's Kafka admin client and the stack it runs on. */
export interface BenchKafka {
  readonly admin: Admin;
  readonly endpoints: StackEndpoints;
}

/** A memory figure of a process from /proc (VmHWM: its peak RSS; VmRSS: now), in MiB. */
function memoryMiB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  if (pid === undefined) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux, getconf CLK_TCK). */
const USER_HZ = 100;

/** CPU seconds (user and system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

/** Processors of one group on a backlog, timed from their start to every offset committed. */
export interface TimedProcessors {
  readonly seconds: number;
  /** The highest peak RSS (VmHWM) of any of them. */
  readonly peakMiB: number;
  /**
   * CPU seconds (user and system) they used together until everything was committed: which side a
   * change acted on. They vary with the machine too (twice as many in a slow spell), so compare
   * them within a pair of runs made back to back.
   */
  readonly cpuSeconds: number;
  /** The first one's RSS and the group's committed messages, every second. */
  readonly samples: readonly RssSample[];
  /** Their HTTP ports, the first the run's own. */
  readonly ports: readonly number[];
  /** SIGTERM to each, and their exits. */
  readonly stop: () => Promise<void>;
}

export async function timeProcessors(
  { admin, endpoints }: BenchKafka,
  names: RunNames,
  count: number,
  nodeArgs: readonly string[] = [],
): Promise<TimedProcessors> {
  // Ports beside the run's own, clear of the range the test helpers hand out.
  const ports = Array.from({ length: count }, (_, i) =>
    i === 0 ? names.httpPort : names.httpPort + 500 + i,
  );
  const children = ports.map((port) => startProcessorProcess(endpoints, names, port, nodeArgs));
  // Processors this script started never outlive it, whichever way it ends.
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  let peak = 0;
  const sample = () => {
    for (const child of children) peak = Math.max(peak, memoryMiB(child.pid, 'VmHWM'));
  };
  const sampler = setInterval(sample, 500);
  const started = performance.now();
  const samples: RssSample[] = [];
  const first = children[0];
  const series = setInterval(() => {
    const seconds = Math.round((performance.now() - started) / 1000);
    const rssMiB = memoryMiB(first?.pid, 'VmRSS');
    void committedMessages(admin, names)
      .catch(() => 0)
      .then((messages) => {
        if (Number.isFinite(rssMiB)) samples.push({ seconds, rssMiB, messages });
      });
  }, 1000);
  // A processor that stops (a configuration it refuses, a crash) ends the bench instead of the wait.
  let finished = false;
  const stopped = new Promise<never>((_, reject) => {
    for (const child of children)
      child.once('exit', (code, signal) => {
        if (!finished)
          reject(
            new Error(
              `a processor exited (${code ?? signal}) before the backlog was committed: its output is above`,
            ),
          );
      });
  });
  try {
    await Promise.race([waitUntilCommitted(admin, names, ports), stopped]);
  } finally {
    finished = true;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = children.reduce((sum, child) => sum + cpuSeconds(child.pid), 0);
  sample();
  clearInterval(sampler);
  clearInterval(series);
  const stop = async () => {
    const exits = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(exits);
  };
  return { seconds, peakMiB: peak, cpuSeconds: cpu, samples, ports, stop };
}

/** Messages of the run's topic the run's group has committed (from Kafka: no load on the processors). */
async function committedMessages(admin: Admin, names: RunNames): Promise<number> {
  const lows = new Map((await admin.fetchTopicOffsets(names.topic)).map((p) => [p.partition, Number(p.low)]));
  const [committed] = await admin.fetchOffsets({ groupId: names.groupId, topics: [names.topic] });
  return (committed?.partitions ?? []).reduce(
    (sum, p) => sum + Math.max(0, Number(p.offset) - (lows.get(p.partition) ?? 0)),
    0,
  );
}

/**
 * Until the group has committed every message and each processor holds no open call and nothing
 * to flush. Asks Kafka until then and the processors' /metrics only once it has: with hundreds of
 * gemeenten a scrape is megabytes of series, and asking often would slow down what is measured.
 */
async function waitUntilCommitted(admin: Admin, names: RunNames, ports: readonly number[]): Promise<void> {
  const deadline = Date.now() + 3_600_000;
  const ends = await admin.fetchTopicOffsets(names.topic);
  const size = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  for (;;) {
    if (Date.now() > deadline) throw new Error(`the processors did not commit ${names.topic} within an hour`);
    const committed = await committedMessages(admin, names).catch(() => 0);
    if (committed >= size) {
      const settled = await Promise.all(
        ports.map(
          async (port) =>
            (await metricValue(port, 'bereik_open_calls')) === 0 &&
            (await metricValue(port, 'bereik_pending_rows')) === 0,
        ),
      );
      if (settled.every(Boolean)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
