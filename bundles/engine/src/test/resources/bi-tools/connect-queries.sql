-- The queries BI tools send to a PostgreSQL server when a connection is added, tested and
-- synced, as their public sources build them (tool, step and source file above each), with
-- their parameters filled in for a table bi_t in schema public. BiToolQueriesTest runs each on
-- Citadel and on PostgreSQL. Statements end with a semicolon at the end of a line.

-- Metabase M1: Connection test (`can-connect?`): verbatim
SELECT 1;

-- Metabase M2: Session isolation set on Metabase JDBC connections: verbatim (pgjdbc)
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;

-- Metabase M3: Database default timezone (sync step): verbatim
show timezone;

-- Metabase M4: Schema list: verbatim, sent by pgjdbc `DatabaseMetaData.getSchemas()`
SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM;

-- Metabase M5: Table privileges (sync, before listing tables): verbatim
with table_privileges as (
 select
   NULL as role,
   t.schemaname as schema,
   t.objectname as table,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'update') as update,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'select') as select,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'insert') as insert,
   pg_catalog.has_table_privilege(     current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'delete') as delete
 from (
   select schemaname, tablename as objectname from pg_catalog.pg_tables
   union
   select schemaname, viewname as objectname from pg_catalog.pg_views
   union
   select schemaname, matviewname as objectname from pg_catalog.pg_matviews
 ) t
 where t.schemaname !~ '^pg_'
   and t.schemaname <> 'information_schema'
   and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage')
)
select t.*
from table_privileges t;

-- Metabase M6: Table list (`describe-database*` → `get-tables-sql`): rendered from HoneySQL (`{:dialect :ansi}` ⇒ ANSI double-quote quoting)
SELECT "n"."nspname" AS "schema", "c"."relname" AS "name",
       CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
                          WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type",
       "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count"
FROM "pg_catalog"."pg_class" AS "c"
INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid"
LEFT JOIN "pg_catalog"."pg_description" AS "d"
       ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = 0) AND ("d"."classoid" = 'pg_class'::regclass)
LEFT JOIN "pg_stat_user_tables" AS "stat"
       ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname")
WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema')
  AND c.relkind in ('r', 'p', 'v', 'f', 'm')
  AND ("n"."nspname" IN ('public'))
ORDER BY "type" ASC, "schema" ASC, "name" ASC;

-- Metabase M8: Enum types (field sync and type lookups): verbatim
SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e);

-- Metabase M9: Column list (`describe-fields-sql :postgres`): rendered from HoneySQL (quote style `:ansi`)
SELECT "c"."column_name" AS "name",
       CASE WHEN "c"."udt_schema" IN ('public', 'pg_catalog') THEN FORMAT('%s', "c"."udt_name")
            ELSE FORMAT('"%s"."%s"', "c"."udt_schema", "c"."udt_name") END AS "database-type",
       "c"."ordinal_position" - 1 AS "database-position",
       "c"."table_schema" AS "table-schema",
       "c"."table_name" AS "table-name",
       "pk"."column_name" IS NOT NULL AS "pk?",
       COL_DESCRIPTION(CAST(CAST(FORMAT('%I.%I', CAST("c"."table_schema" AS TEXT), CAST("c"."table_name" AS TEXT)) AS REGCLASS) AS OID),
                       "c"."ordinal_position") AS "field-comment",
       (("column_default" IS NULL) OR (LOWER("column_default") = 'null')) AND ("is_nullable" = 'NO')
         AND NOT ((("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO')) AS "database-required",
       (("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO') AS "database-is-auto-increment"
FROM "information_schema"."columns" AS "c"
LEFT JOIN (SELECT "tc"."table_schema", "tc"."table_name", "kc"."column_name"
           FROM "information_schema"."table_constraints" AS "tc"
           INNER JOIN "information_schema"."key_column_usage" AS "kc"
                   ON ("tc"."constraint_name" = "kc"."constraint_name") AND ("tc"."table_schema" = "kc"."table_schema")
                  AND ("tc"."table_name" = "kc"."table_name")
           WHERE "tc"."constraint_type" = 'PRIMARY KEY') AS "pk"
       ON ("c"."table_schema" = "pk"."table_schema") AND ("c"."table_name" = "pk"."table_name") AND ("c"."column_name" = "pk"."column_name")
WHERE c.table_schema !~ '^information_schema|catalog_history|pg_'
  AND ("c"."table_schema" IN ('public')) AND ("c"."table_name" IN ('bi_t'))
UNION ALL
SELECT "pa"."attname" AS "name",
       CASE WHEN "ptn"."nspname" IN ('public', 'pg_catalog') THEN FORMAT('%s', "pt"."typname")
            ELSE FORMAT('"%s"."%s"', "ptn"."nspname", "pt"."typname") END AS "database-type",
       "pa"."attnum" - 1 AS "database-position", "pn"."nspname" AS "table-schema", "pc"."relname" AS "table-name",
       FALSE AS "pk?", NULL AS "field-comment", FALSE AS "database-required", FALSE AS "database-is-auto-increment"
FROM "pg_catalog"."pg_class" AS "pc"
INNER JOIN "pg_catalog"."pg_namespace" AS "pn" ON "pn"."oid" = "pc"."relnamespace"
INNER JOIN "pg_catalog"."pg_attribute" AS "pa" ON "pa"."attrelid" = "pc"."oid"
INNER JOIN "pg_catalog"."pg_type" AS "pt" ON "pt"."oid" = "pa"."atttypid"
INNER JOIN "pg_catalog"."pg_namespace" AS "ptn" ON "ptn"."oid" = "pt"."typnamespace"
WHERE ("pc"."relkind" = 'm') AND ("pa"."attnum" >= 1) AND ("pn"."nspname" IN ('public')) AND ("pc"."relname" IN ('bi_t'))
ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC;

-- Metabase M10: Foreign keys (`describe-fks-sql :postgres`): rendered from HoneySQL
SELECT "fk_ns"."nspname" AS "fk-table-schema", "fk_table"."relname" AS "fk-table-name", "fk_column"."attname" AS "fk-column-name",
       "pk_ns"."nspname" AS "pk-table-schema", "pk_table"."relname" AS "pk-table-name", "pk_column"."attname" AS "pk-column-name"
FROM "pg_constraint" AS "c"
INNER JOIN "pg_class" AS "fk_table" ON "c"."conrelid" = "fk_table"."oid"
INNER JOIN "pg_namespace" AS "fk_ns" ON "c"."connamespace" = "fk_ns"."oid"
INNER JOIN "pg_attribute" AS "fk_column" ON "c"."conrelid" = "fk_column"."attrelid"
INNER JOIN "pg_class" AS "pk_table" ON "c"."confrelid" = "pk_table"."oid"
INNER JOIN "pg_namespace" AS "pk_ns" ON "pk_table"."relnamespace" = "pk_ns"."oid"
INNER JOIN "pg_attribute" AS "pk_column" ON "c"."confrelid" = "pk_column"."attrelid"
WHERE fk_ns.nspname !~ '^information_schema|catalog_history|pg_'
  AND ("c"."contype" = 'f'::char) AND ("fk_column"."attnum" = ANY(c.conkey)) AND ("pk_column"."attnum" = ANY(c.confkey))
  AND ("fk_table"."relname" IN ('bi_t')) AND ("fk_ns"."nspname" IN ('public'))
ORDER BY "fk-table-schema" ASC, "fk-table-name" ASC;

-- Grafana G2: Version auto-detect, run right after the data source is saved in the config page: verbatim
SELECT current_setting('server_version_num')::int/100 as version;

-- Grafana G3: TimescaleDB detection, sent if the version is ≥ 906: verbatim
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb';

-- Grafana G5: Column list for the selected table (`fetchFields` → `getSchema(table)`): verbatim template (its search-path schema constraint, which needs generate_series, written as the schema it names)
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('bi_t'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('bi_t'))[1]
          AND quote_ident(table_name) = (parse_ident('bi_t'))[2]
        ELSE quote_ident(table_name) = 'bi_t'
          AND quote_ident(table_schema) = 'public'
      END;

-- Grafana G8: Backend schema handler (`pkg/tsdb/grafana-postgresql-datasource/schema.go`, new "schemads" API): verbatim, extended protocol
SELECT schema_name FROM information_schema.schemata
		 WHERE schema_name NOT LIKE 'pg_%' AND schema_name != 'information_schema'
		 ORDER BY schema_name;

-- Grafana G8: Backend schema handler (`pkg/tsdb/grafana-postgresql-datasource/schema.go`, new "schemads" API): verbatim, extended protocol
SELECT table_name FROM information_schema.tables
		 WHERE table_schema = 'public' AND table_type IN ('BASE TABLE', 'VIEW')
		 ORDER BY table_name;

-- Grafana G8: Backend schema handler (`pkg/tsdb/grafana-postgresql-datasource/schema.go`, new "schemads" API): verbatim, extended protocol
SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale
		 FROM information_schema.columns
		 WHERE table_schema = 'public' AND table_name = 'bi_t'
		 ORDER BY ordinal_position;

-- Superset (SQLAlchemy 1.4, psycopg2) S0: psycopg2 on connect, only if the server's DateStyle is not ISO: verbatim
SET DATESTYLE TO 'ISO';

-- Superset (SQLAlchemy 1.4, psycopg2) S1: Server version: verbatim
select pg_catalog.version();

-- Superset (SQLAlchemy 1.4, psycopg2) S2: Default schema: verbatim
select current_schema();

-- Superset (SQLAlchemy 1.4, psycopg2) S3: Default isolation level: verbatim
show transaction isolation level;

-- Superset (SQLAlchemy 1.4, psycopg2) S4: Backslash escaping: verbatim
show standard_conforming_strings;

-- Superset (SQLAlchemy 1.4, psycopg2) S5: hstore OIDs, from psycopg2 `extras.HstoreAdapter.get_oids`: verbatim
SELECT t.oid, typarray
FROM pg_type t JOIN pg_namespace ns
    ON typnamespace = ns.oid
WHERE typname = 'hstore';

-- Superset (SQLAlchemy 1.4, psycopg2) S6: The ping itself: verbatim
SELECT 1;

-- Superset (SQLAlchemy 1.4, psycopg2) S7: Schema list (`inspector.get_schema_names()`, used by the DB schema dropdown and by `add_permissions` after a DB is created): verbatim, SA 1.4
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY nspname;

-- Superset (SQLAlchemy 1.4, psycopg2) S8: Tables in a schema (`get_table_names`): SA 1.4 (`:schema` → `%(schema)s` → literal)
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind in ('r', 'p');

-- Superset (SQLAlchemy 1.4, psycopg2) S9: Foreign tables (Superset `PostgresEngineSpec.get_table_names` adds `inspector.get_foreign_table_names`): SA 1.4
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'f';

-- Superset (SQLAlchemy 1.4, psycopg2) S10: Views (`get_view_names`, default include plain and materialized): SA 1.4
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm');

-- Superset (SQLAlchemy 1.4, psycopg2) S11: Table OID, the first step of every per-table reflection in 1.4: SA 1.4
SELECT c.oid
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname = 'public')
AND c.relname = 'my_table' AND c.relkind in
('r', 'v', 'm', 'f', 'p');

-- Superset (SQLAlchemy 1.4, psycopg2) S12: Columns (`get_columns`, used for the table preview and dataset sync): SA 1.4, server ≥ 12
SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (
    SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
    FROM pg_catalog.pg_attrdef d
    WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum
    AND a.atthasdef
  ) AS DEFAULT,
  a.attnotnull,
  a.attrelid as table_oid,
  pgd.description as comment,
  a.attgenerated as generated,
  (SELECT json_build_object(
      'always', a.attidentity = 'a',
      'start', s.seqstart,
      'increment', s.seqincrement,
      'minvalue', s.seqmin,
      'maxvalue', s.seqmax,
      'cache', s.seqcache,
      'cycle', s.seqcycle)
  FROM pg_catalog.pg_sequence s
  JOIN pg_catalog.pg_class c on s.seqrelid = c."oid"
  WHERE c.relkind = 'S'
  AND a.attidentity != ''
  AND s.seqrelid = pg_catalog.pg_get_serial_sequence(
      a.attrelid::regclass::text, a.attname
  )::regclass::oid
  ) as identity_options
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_description pgd ON (
    pgd.objoid = a.attrelid AND pgd.objsubid = a.attnum)
WHERE a.attrelid = 'bi_t'::regclass
AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;

-- Superset (SQLAlchemy 1.4, psycopg2) S13: Domains (sent with every get_columns): SA 1.4, verbatim
SELECT t.typname as "name",
   pg_catalog.format_type(t.typbasetype, t.typtypmod) as "attype",
   not t.typnotnull as "nullable",
   t.typdefault as "default",
   pg_catalog.pg_type_is_visible(t.oid) as "visible",
   n.nspname as "schema"
FROM pg_catalog.pg_type t
   LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd';

-- Superset (SQLAlchemy 1.4, psycopg2) S14: Enums (sent with every get_columns): SA 1.4, verbatim (`schema='*'`, so no schema filter)
SELECT t.typname as "name",
   pg_catalog.pg_type_is_visible(t.oid) as "visible",
   n.nspname as "schema",
   e.enumlabel as "label"
FROM pg_catalog.pg_type t
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     LEFT JOIN pg_catalog.pg_enum e ON t.oid = e.enumtypid
WHERE t.typtype = 'e'
ORDER BY "schema", "name", e.oid;

-- Superset (SQLAlchemy 1.4, psycopg2) S16: Foreign keys (`get_foreign_keys`): SA 1.4
SELECT r.conname,
      pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
      n.nspname as conschema
FROM  pg_catalog.pg_constraint r,
      pg_namespace n,
      pg_class c

WHERE r.conrelid = 'bi_t'::regclass AND
      r.contype = 'f' AND
      c.oid = confrelid AND
      n.oid = c.relnamespace
ORDER BY 1;

-- Superset (SQLAlchemy 1.4, psycopg2) S18: Catalogs (only when multi-catalog is enabled): verbatim
SELECT datname FROM pg_database
WHERE datistemplate = false;
