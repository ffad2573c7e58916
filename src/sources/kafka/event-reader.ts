/**
 * The source side of the engine's EventReader: a switch message's bytes decoded through the
 * Schema Registry, validated against the configured gemeenten and queues, the caller number
 * pseudonymised. After this nothing downstream sees a raw number or an unchecked field.
 */
import type { EventReader, ReadResult } from '../../pipeline/contracts.ts';
import type { DecodeResult, MessageDecoder } from './decode-message.ts';
import { pseudonymiser } from './pseudonymise.ts';
import { validateCallEvent, type QueueIdsByGemeente } from './validate-event.ts';

export interface SwitchEventReaderOptions {
  readonly decoder: Pick<MessageDecoder, 'decode' | 'decodeKnown'>;
  readonly queueIds: QueueIdsByGemeente;
  /** The key that pseudonymises caller numbers (BEREIK_HMAC_KEY). */
  readonly hmacKey: string;
  /** Events further ahead of the clock are rejected (processing.maxFutureSkewSeconds). */
  readonly maxFutureSkewMs: number;
}

export function switchEventReader(options: SwitchEventReaderOptions): EventReader {
  const pseudonymise = pseudonymiser(options.hmacKey);
  const validate = (decoded: DecodeResult, nowMs: number): ReadResult =>
    decoded.ok
      ? validateCallEvent(decoded.raw, {
          queueIds: options.queueIds,
          pseudonymise,
          nowMs,
          maxFutureSkewMs: options.maxFutureSkewMs,
        })
      : decoded;
  return {
    readKnown(value: Buffer | null, nowMs: number): ReadResult | undefined {
      const decoded = options.decoder.decodeKnown(value);
      return decoded === undefined ? undefined : validate(decoded, nowMs);
    },
    async read(value: Buffer | null, nowMs: number): Promise<ReadResult> {
      return validate(await options.decoder.decode(value), nowMs);
    },
  };
}
