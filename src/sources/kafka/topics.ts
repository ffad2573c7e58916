/**
 * The topics bereik creates when they are missing (a fresh local stack, a test): the switch topic
 * and the dead-letter topic, with enough partitions for a few processors to share the work. A
 * production cluster usually creates them itself, with its own partition count and replication.
 */
import type { Admin } from 'kafkajs';

/** Partitions of a topic bereik creates: processors in one group can share at most this many. */
export const CREATED_TOPIC_PARTITIONS = 6;

/** Creates the topics that do not exist yet; returns those it created. */
export async function ensureTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  await admin.createTopics({
    topics: missing.map((topic) => ({ topic, numPartitions: CREATED_TOPIC_PARTITIONS })),
    waitForLeaders: true,
  });
  return missing;
}
