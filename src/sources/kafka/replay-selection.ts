/**
 * Which dead letters a replay sends back, from their headers alone (pure): the chosen reasons,
 * rejected within the chosen time span, each source message once (a dead letter written twice
 * after a crash is replayed once), and never one whose value was left out for its size (its
 * original must be copied from the source topic instead).
 */
export interface ReplayFilter {
  /** Only these reasons; every reason when undefined. */
  readonly reasons?: ReadonlySet<string> | undefined;
  /** bereik-failed-at at or after this instant (epoch ms). */
  readonly fromMs?: number | undefined;
  /** bereik-failed-at before this instant (epoch ms). */
  readonly toMs?: number | undefined;
}

export type ReplayDecision =
  | { readonly replay: true; readonly topic: string; readonly reason: string }
  | {
      readonly replay: false;
      readonly skipped: 'other-reason' | 'outside-time-span' | 'value-omitted' | 'already-replayed';
    };

/** Decides one dead letter; `seen` remembers the source messages replayed in this run. */
export function decideReplay(
  headers: Readonly<Record<string, string | undefined>>,
  filter: ReplayFilter,
  seen: Set<string>,
  defaultTopic: string,
): ReplayDecision {
  const reason = headers['bereik-reason'] ?? 'unknown';
  if (filter.reasons !== undefined && !filter.reasons.has(reason))
    return { replay: false, skipped: 'other-reason' };
  const failedAt = Date.parse(headers['bereik-failed-at'] ?? '');
  if (
    (filter.fromMs !== undefined && !(failedAt >= filter.fromMs)) ||
    (filter.toMs !== undefined && !(failedAt < filter.toMs))
  )
    return { replay: false, skipped: 'outside-time-span' };
  if (headers['bereik-value-omitted'] !== undefined || headers['bereik-key-omitted'] !== undefined)
    return { replay: false, skipped: 'value-omitted' };
  const topic = headers['bereik-source-topic'] ?? defaultTopic;
  const source = `${topic}/${headers['bereik-source-partition'] ?? ''}/${headers['bereik-source-offset'] ?? ''}`;
  if (seen.has(source)) return { replay: false, skipped: 'already-replayed' };
  seen.add(source);
  return { replay: true, topic, reason };
}
