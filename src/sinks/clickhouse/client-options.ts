/**
 * The one set of @clickhouse/client options bereik and its tests use, so both talk to ClickHouse
 * the same way. Checked with @clickhouse/client 1.23.1 against the local stack's ClickHouse 18.16.1
 * (Debian bookworm) and current ClickHouse (26.9 through chdb); see docs/stack.md, "ClickHouse".
 *
 * The client needs nothing special to work with 18.16: with only `url` it pings, runs commands,
 * inserts (bereik streams RowBinary through `exec`) and queries JSONEachRow (it sends no settings or headers 18.16 does not know, and
 * response/request compression is off by default; gzip both ways works too). The three settings
 * below are not required to connect but to get correct and version-independent behaviour; all
 * exist in 18.16 and in current ClickHouse. What does NOT work on 18.16 and must be avoided instead of configured:
 * `query_params` (`{name:Type}` placeholders arrive as unknown settings `param_<name>`), every
 * JSON format except JSON, JSONCompact and JSONEachRow, and `ClickHouseError.code`/`type` (the
 * client does not recognise 18.16's error text, so errors are plain `Error`s with the message).
 */
import type { ClickHouseClientConfigOptions } from '@clickhouse/client';

/** Options for `createClient(clickhouseClientOptions(url))`; the URL may carry user, password and database. */
export function clickhouseClientOptions(url: string): ClickHouseClientConfigOptions {
  return {
    url,
    clickhouse_settings: {
      // DateTime columns accept ISO 8601 with a zone ('2026-01-03T10:00:00.123Z', '...+01:00') and
      // unix seconds. The default ('basic') takes only 'YYYY-MM-DD hh:mm:ss', so a JS Date (which
      // the client serialises as ISO with 'Z') fails on insert with "Cannot parse input". A string
      // without a zone is read in the server's time zone (UTC in deploy/clickhouse/config.xml).
      // Date columns still need 'YYYY-MM-DD' strings on 18.16 (no ISO timestamps, no day numbers).
      date_time_input_format: 'best_effort',
      // The server sends the result only when the query has finished. Without it an error in the
      // middle of a large result arrives after HTTP 200 and part of the rows, and the client fails
      // with a JSON parse error ("Unexpected token 'C', "Code: 395,"...") or, with a streaming
      // consumer, after rows were already handled. With it the error is a proper HTTP 500 with
      // ClickHouse's message. Costs server memory for big results; bereik's results are small.
      wait_end_of_query: 1,
      // UInt64/Int64 values (count(), sum() of unsigned columns, uniqExact()) as JSON numbers. 18.16
      // defaults to 1 (quoted strings, "6"), current ClickHouse to 0 (numbers, 6), so pinning it
      // keeps bereik's row types the same on both. Exact up to 2^53, far above any count here.
      output_format_json_quote_64bit_integers: 0,
    },
  };
}
