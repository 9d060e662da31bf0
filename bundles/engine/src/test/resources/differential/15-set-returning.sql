-- Set-returning functions where PostgreSQL allows them: in a select list, in FROM reading the
-- FROM items before them (LATERAL, written or not), and over arrays and int2vectors
-- (pg_index.indkey), as pgjdbc's key and index metadata and SQLAlchemy's reflection read them.
CREATE TABLE t (id INTEGER, n INTEGER, tags TEXT);
INSERT INTO t VALUES (1, 2, 'a'), (2, 0, 'b'), (3, 3, NULL);
SELECT generate_series(1, 3);
SELECT generate_series(1, 3) AS g, 'x' AS c;
SELECT generate_series(2, 8, 3) * 10 AS tens;
SELECT id, generate_series(1, n) AS k FROM t ORDER BY id, k;
SELECT id, s FROM t, generate_series(1, t.n) s ORDER BY id, s;
SELECT id, s FROM t CROSS JOIN LATERAL generate_series(1, t.n) AS s ORDER BY id, s;
SELECT id, s.v FROM t LEFT JOIN LATERAL generate_series(1, t.n) AS s(v) ON true ORDER BY id, s.v;
SELECT id, s FROM t, LATERAL generate_series(t.n, 1, -1) s WHERE s > 1 ORDER BY id, s;
SELECT count(*) FROM t, generate_series(1, t.id * 1000) g;
SELECT id, generate_series(1, n) FROM t WHERE id > 1 ORDER BY 1, 2;
SELECT * FROM generate_series(1, NULL::int);
SELECT generate_subscripts('{a,b,c}'::text[], 1) AS s;
SELECT * FROM information_schema._pg_expandarray('{10,20,30}'::int[]);
CREATE TABLE pair (a INTEGER, b TEXT, c INTEGER UNIQUE, PRIMARY KEY (b, a));
CREATE INDEX pair_c_a ON pair (c, a);
SELECT c.relname, i.indkey::text, i.indnatts FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'pair' ORDER BY 1;
SELECT c.relname, i.indkey[0] AS first, i.indkey[1] AS second, array_lower(i.indkey, 1), array_upper(i.indkey, 1) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'pair' ORDER BY 1;
SELECT c.relname, (information_schema._pg_expandarray(i.indkey)).n AS seq, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = t.oid WHERE t.relname = 'pair' AND a.attnum = (information_schema._pg_expandarray(i.indkey)).x ORDER BY 1, 2;
SELECT r.relname, r.seq, (r.keys).x FROM (SELECT c.relname, (information_schema._pg_expandarray(i.indkey)).n AS seq, information_schema._pg_expandarray(i.indkey) AS keys FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'pair') r WHERE (r.keys).x > 1 ORDER BY 1, 2;
SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = 'pair' ORDER BY 1, 2;
SELECT c.relname, s.k, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid, generate_subscripts(i.indkey, 1) AS s(k) JOIN pg_attribute a ON true WHERE t.relname = 'pair' AND a.attrelid = t.oid AND a.attnum = i.indkey[s.k] ORDER BY 1, 2;
SELECT typname, typinput = 'pg_catalog.array_in'::regproc AS is_array FROM pg_type WHERE typname IN ('int4', '_int4', 'text', '_text') ORDER BY 1;
SELECT 5 & 3, 12 & 10, 7 & NULL;
SELECT $$it's$$ AS a, $q$x;y$q$ AS b;
SELECT generate_series(1, 2), generate_series(1, 3);
SELECT count(*), generate_series(1, 2) FROM t;
