-- Example queries on bereik's ClickHouse database, for analysts. docs/clickhouse.md explains the
-- tables and views they read. Run them in bereik's database (clickhouse.database, default bereik):
--   clickhouse-client --database bereik --multiquery < docs/analyst-queries.sql
-- or one at a time in any SQL client. They run unchanged on ClickHouse 18.16 and current versions
-- (test/integration/clickhouse-schema.test.ts runs every one of them on both).
-- Percentages are rounded for reading; ratios are NULL, not 0 or 100, when nothing was counted.
-- Replace GM0307 (Amersfoort) by your gemeente's CBS code.

-- 1. The yearly KPI table, one row per KPI, queue (or the gemeente as a whole) and year:
--    realisatie against streefcijfer, the numbers behind it, the norm, and whether the year is over.
SELECT year, queue_name, metric, realisatie_pct, streefcijfer_pct, better, gehaald, numerator,
       denominator, norm_id, complete
FROM kpi_per_jaar
WHERE gemeente = 'GM0307'
ORDER BY metric, kind, queue_name, year;

-- 2. The KPI table as Amersfoort's annual report prints it: one row per KPI, the last five years
--    as columns (realisatie %), then this year's streefcijfer and whether it is met so far.
SELECT queue_name, metric,
       maxIf(realisatie_pct, year = dit_jaar - 4) AS jaar_min_4,
       maxIf(realisatie_pct, year = dit_jaar - 3) AS jaar_min_3,
       maxIf(realisatie_pct, year = dit_jaar - 2) AS jaar_min_2,
       maxIf(realisatie_pct, year = dit_jaar - 1) AS vorig_jaar,
       maxIf(realisatie_pct, year = dit_jaar) AS dit_jaar_tot_nu,
       maxIf(streefcijfer_pct, year = dit_jaar) AS streefcijfer_dit_jaar,
       maxIf(gehaald, year = dit_jaar) AS gehaald_tot_nu
FROM (SELECT *, toUInt16(toYear(toDate(now(), 'Europe/Amsterdam'))) AS dit_jaar FROM kpi_per_jaar)
WHERE gemeente = 'GM0307' AND year >= dit_jaar - 4
GROUP BY kind, queue_name, metric
ORDER BY metric, kind, queue_name;

-- 2b. Almere's year report: the KCC against the vakafdelingen last year, one row per queue.
SELECT queue_name, kind,
       maxIf(denominator, metric = 'reachability') AS aangeboden,
       maxIf(numerator, metric = 'reachability') AS beantwoord,
       maxIf(realisatie_pct, metric = 'reachability') AS bereikbaarheid_pct,
       maxIf(streefcijfer_pct, metric = 'reachability') AS streefcijfer_pct,
       maxIf(realisatie_pct, metric = 'service_level') AS servicelevel_pct,
       maxIf(realisatie_pct, metric = 'first_line_resolution') AS eerstelijn_pct,
       maxIf(realisatie_pct, metric = 'callbacks_on_time') AS terugbellen_op_tijd_pct
FROM kpi_per_jaar
WHERE gemeente = 'GM0307' AND kind IN ('kcc', 'vakafdeling')
  AND year = toUInt16(toYear(toDate(now(), 'Europe/Amsterdam'))) - 1
GROUP BY kind, queue_name
ORDER BY kind, queue_name;

-- 2c. Callbacks within two working days per month, the whole gemeente, against the streefcijfer.
--     Callbacks still open before their due moment are left out until it passes.
SELECT month, numerator AS op_tijd, denominator AS beoordeeld, realisatie_pct, streefcijfer_pct, gehaald, complete
FROM kpi_per_maand
WHERE gemeente = 'GM0307' AND queue = '' AND metric = 'callbacks_on_time'
ORDER BY month;

-- 3. Bereikbaarheid per vakafdeling per week (ISO weeks of the local date), the last 8 weeks.
SELECT gemeente, queue_name, iso_year, iso_week, week_start, offered, answered,
       round(100 * reachability, 1) AS bereikbaarheid_pct,
       round(100 * service_level, 1) AS servicelevel_pct,
       round(asa_seconds, 1) AS gemiddelde_wachttijd_s
FROM bereikbaarheid_per_week
INNER JOIN (SELECT gemeente, queue, queue_name
            FROM (SELECT gemeente, queue, queue_name, kind FROM queues FINAL)
            WHERE kind = 'vakafdeling') AS vakafdelingen
USING (gemeente, queue)
WHERE week_start >= toMonday(toDate(now(), 'Europe/Amsterdam')) - 56
ORDER BY gemeente, queue_name, week_start;

-- 4. The worst departments this month: lowest reachability first, among queues with at least 20
--    offered legs, with this year's streefcijfer.
SELECT gemeente, queue, offered, answered, abandoned,
       round(100 * reachability, 1) AS bereikbaarheid_pct,
       round(100 * target, 1) AS streefcijfer_pct
FROM (SELECT gemeente, queue, toUInt16(toYear(month)) AS year, 'reachability' AS metric,
             offered, answered, abandoned, reachability
      FROM bereikbaarheid_per_maand
      WHERE month = toStartOfMonth(toDate(now(), 'Europe/Amsterdam')) AND offered >= 20) AS deze_maand
LEFT JOIN (SELECT year, gemeente, queue, metric, target FROM streefcijfers FINAL) AS streef
USING (year, gemeente, queue, metric)
ORDER BY reachability ASC, offered DESC
LIMIT 10;

-- 5. Callbacks (terugbelverzoeken) on time per year, by due date: completed before the end of the
--    2nd werkdag after the request. Callbacks not completed count as late once their due moment
--    has passed; until then they are still_open and outside the rate (judged = due - still_open).
SELECT gemeente, queue, year, due, completed_on_time, completed_late, not_completed, still_open,
       judged, round(100 * on_time_rate, 1) AS op_tijd_pct
FROM terugbellen_op_tijd_per_jaar
ORDER BY gemeente, queue, year;

-- 6. Per gemeente per month: end-to-end reachability (the caller reached a person at the last
--    queue offered), the share of repeat callers (168 h) and satisfaction (score 4 or 5).
SELECT gemeente, month, calls_with_offered_leg,
       round(100 * end_to_end_reachability, 1) AS bereikbaarheid_eind_tot_eind_pct,
       calls, round(100 * repeat_rate, 1) AS herhaalbellers_pct,
       survey_answers, round(100 * satisfaction, 1) AS tevredenheid_pct
FROM gemeente_per_maand
ORDER BY gemeente, month;

-- 7. Callbacks requested and completed per month and queue, by the month of the event.
SELECT gemeente, queue, month, requested, completed, completed_reached
FROM terugbelverzoeken_per_maand
ORDER BY gemeente, queue, month;

-- 8. The KCC's reachability by hour of the (local) day over the last 28 days: when does it dip?
SELECT toHour(local_hour) AS uur, sum(offered) AS aangeboden, sum(answered) AS beantwoord,
       round(100 * if(aangeboden = 0, NULL, beantwoord / aangeboden), 1) AS bereikbaarheid_pct
FROM bereikbaarheid_per_uur
WHERE gemeente = 'GM0307' AND queue = 'kcc' AND day >= toDate(now(), 'Europe/Amsterdam') - 28
GROUP BY uur
ORDER BY uur;

-- 9. Wait times of answered and abandoned legs per queue this month, exactly (quantileExact),
--    from the legs themselves: median and 90th percentile in seconds.
SELECT queue, outcome, count() AS legs,
       quantileExact(0.5)(wait_ms) / 1000 AS mediaan_s,
       quantileExact(0.9)(wait_ms) / 1000 AS p90_s
FROM current_legs
WHERE gemeente = 'GM0307' AND category = 'offered' AND outcome IN ('answered', 'abandoned')
  AND toStartOfMonth(toDate(entered_at, 'Europe/Amsterdam')) = toStartOfMonth(toDate(now(), 'Europe/Amsterdam'))
GROUP BY queue, outcome
ORDER BY queue, outcome;

-- 10. Counting from the facts directly gives the same numbers as the rollups. Legs: FINAL and
--     leave out tombstones (current_legs does both); one day, per queue.
SELECT queue, countIf(category = 'offered') AS offered,
       countIf(category = 'offered' AND outcome = 'answered') AS answered
FROM leg_facts FINAL
WHERE gemeente = 'GM0307'
  AND entered_at >= toDateTime('2026-11-23 00:00:00', 'Europe/Amsterdam')
  AND entered_at < toDateTime('2026-11-24 00:00:00', 'Europe/Amsterdam')
  AND is_deleted = 0
GROUP BY queue
ORDER BY queue;

-- 11. Calls: take the latest version per call with argMax over a tuple (FINAL is not enough: a
--     corrected call can sit in another partition, and argMax of a Nullable column skips NULLs).
--     current_calls does this; here the calls of a day whose last offered leg was not answered.
SELECT call_id, first_offered_at, legs, offered_legs
FROM current_calls
WHERE gemeente = 'GM0307' AND last_offered_answered = 0
  AND toDate(first_offered_at, 'Europe/Amsterdam') = toDate('2026-11-23')
ORDER BY first_offered_at;

-- 12. Open callbacks past their due moment now (overdue), oldest first.
SELECT gemeente, queue, callback_id, requested_at, due_date
FROM current_callbacks
WHERE isNotNull(requested_at) AND isNull(completed_at) AND due_at <= now()
ORDER BY due_at;
