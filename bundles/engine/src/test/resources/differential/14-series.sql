-- generate_series in FROM, as catalog queries (pgjdbc's type lookup, Grafana's schema filter) and reports use it.
SELECT * FROM generate_series(1, 5);
SELECT s FROM generate_series(10, 1, -3) AS t(s) ORDER BY s;
SELECT count(*), sum(g), min(g), max(g) FROM generate_series(1, 100000) AS t(g);
SELECT g, g * g AS sq FROM generate_series(1, 3) t(g) ORDER BY g DESC;
SELECT * FROM generate_series(1, 0);
SELECT * FROM generate_series(1, 10, 0);
SELECT * FROM generate_series(5, 5);
SELECT g FROM generate_series(-2, 2) AS t(g) WHERE g <> 0 ORDER BY g;
SELECT n.nspname, r.r FROM pg_catalog.pg_namespace n JOIN (SELECT s.r, (pg_catalog.current_schemas(false))[s.r] AS nspname FROM pg_catalog.generate_series(1, pg_catalog.array_upper(pg_catalog.current_schemas(false), 1)) AS s(r)) AS r USING (nspname) ORDER BY r.r;
