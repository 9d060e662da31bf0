-- Intervals as BI tools and applications write them: PostgreSQL's constants (units inside the
-- string, ::interval, text built at run time), timestamp - timestamp, date and timestamp ± interval,
-- interval arithmetic and comparison, extract, age(), and how each is shown.
CREATE TABLE ev (id INTEGER, a TIMESTAMP, b TIMESTAMP, d DATE);
INSERT INTO ev VALUES (1, '2024-01-01 10:00:00', '2024-01-03 12:30:00', '2024-01-31'), (2, '2024-02-28 00:00:00', '2024-03-01 00:00:00.5', '2024-02-29');
SELECT INTERVAL '1 day';
SELECT INTERVAL '25 hours';
SELECT INTERVAL '1 day 2 hours 3 minutes';
SELECT INTERVAL '1 month';
SELECT INTERVAL '1 year 2 months';
SELECT id, b - a AS diff FROM ev ORDER BY id;
SELECT id, a + INTERVAL '1 day' FROM ev ORDER BY id;
SELECT id, d + INTERVAL '1 month' FROM ev ORDER BY id;
SELECT id, a - INTERVAL '2 hours' FROM ev ORDER BY id;
SELECT id, extract(epoch FROM b - a) FROM ev ORDER BY id;
SELECT id FROM ev WHERE b - a > INTERVAL '2 days' ORDER BY id;
SELECT age(TIMESTAMP '2024-03-15', TIMESTAMP '2023-01-10');
SELECT id, age(b, a) FROM ev ORDER BY id;
SELECT date_trunc('month', a) + INTERVAL '1 month' - INTERVAL '1 day' FROM ev ORDER BY id;
SELECT INTERVAL '1 day' * 3, INTERVAL '3 hours' / 2;
SELECT age(TIMESTAMP '2024-03-01', TIMESTAMP '2024-01-31'), age(TIMESTAMP '2023-01-10', TIMESTAMP '2024-03-15');
SELECT age(DATE '2024-02-29', DATE '2000-02-29') > INTERVAL '24 years', extract(year FROM age(DATE '2024-02-28', DATE '2000-02-29'));
SELECT TIMESTAMP '2024-01-31 10:00' + age(TIMESTAMP '2024-03-15 12:00', TIMESTAMP '2024-01-10');
SELECT INTERVAL '1 month 2 days' , '3 days 04:05:06'::interval, INTERVAL '-30 day', INTERVAL '2 weeks', INTERVAL '1.5 hours';
SELECT TIMESTAMP '2024-01-31 10:00' + INTERVAL '1 month 2 days', TIMESTAMP '2024-01-31 10:00' - INTERVAL '1 month 2 days';
SELECT extract(day FROM INTERVAL '3 days 04:05:06'), extract(hour FROM INTERVAL '3 days 04:05:06'), extract(month FROM INTERVAL '1 year 5 months');
SELECT TIMESTAMP '2024-01-01' - TIMESTAMP '2024-01-03 02:00';
SELECT INTERVAL '1 day' > INTERVAL '23 hours', INTERVAL '2 hours' + INTERVAL '30 minutes', INTERVAL '1 year' - INTERVAL '1 month';
SELECT 'abc'::interval;
SELECT id, (id || ' days')::interval, d - (id || ' days')::interval FROM ev ORDER BY id;
SELECT CAST(now() AS timestamp) + (INTERVAL '-30 day') > TIMESTAMP '2000-01-01';
SELECT INTERVAL '100 days' + INTERVAL '1 hour', '1 year 100 days'::interval;
SELECT count(*) FROM ev WHERE a > now() - INTERVAL '100 years';
SELECT count(*) FROM ev WHERE now() - a > INTERVAL '1 day';
