/**
 * The pending writes take in whatever the trackers emitted, however much: a watermark step or the
 * drain at shutdown can finalise tens of thousands of calls at once, each with its messages.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/config/topology.ts';
import type { IncomingMessage } from '../../../src/pipeline/contracts.ts';
import { emptyOutputs, PendingWrites } from '../../../src/pipeline/pending-writes.ts';
import { BusinessMetrics } from '../../../src/sinks/prometheus/business-metrics.ts';
import { PipelineMetrics } from '../../../src/telemetry/pipeline-metrics.ts';
import type { CallStartFact } from '../../../src/events/facts.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

describe('pending writes', () => {
  it('takes in more done messages and restated facts than a call may have arguments', () => {
    const registry = new Registry();
    const pending = new PendingWrites(
      'test',
      new BusinessMetrics(registry, new Topology(exampleConfig())),
      new PipelineMetrics(registry),
    );
    // More than V8 accepts as the arguments of one call (some 120 000 to 200 000 on Node 24).
    const many = 300_000;
    const out = emptyOutputs();
    for (let offset = 0; offset < many; offset++) {
      const message: IncomingMessage = {
        topic: 't',
        partition: 0,
        offset,
        key: null,
        value: null,
        timestamp: 0,
      };
      out.call.done.push(message);
      out.callback.done.push(message);
      out.survey.done.push(message);
    }
    const start: CallStartFact = {
      callId: 'c',
      gemeente: 'GM0307',
      startedAt: 0,
      callerKey: 'k',
      repeat: false,
      version: 1,
    };
    for (let i = 0; i < many; i++) out.repeat.restated.push(start);

    pending.collect(out, 0);

    expect(pending.acks).toHaveLength(3 * many);
    expect(pending.acks.at(-1)?.offset).toBe(many - 1);
    expect(pending.batch.callStarts).toHaveLength(many);
  });
});
