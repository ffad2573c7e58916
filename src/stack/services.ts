/** The pieces of the local stack, by role. */
import { clickhouse } from './clickhouse.ts';
import { kafka } from './kafka.ts';
import { prometheus } from './prometheus.ts';
import { schemaRegistry } from './schema-registry.ts';
import type { LocalService } from './service.ts';

export const localServices: Readonly<
  Record<'kafka' | 'schemaRegistry' | 'clickhouse' | 'prometheus', LocalService>
> = {
  kafka,
  schemaRegistry,
  clickhouse,
  prometheus,
};
