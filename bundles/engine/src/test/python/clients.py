"""Python's PostgreSQL clients against a running Citadel engine, as applications use them.

Run by PythonClientsTest with PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE set. Each check
prints one line; the first failure ends the run with a non-zero exit and the reason.
"""
import io
import os
import sys

import psycopg2
import sqlalchemy
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect, select, text
from sqlalchemy.orm import Session, declarative_base

DSN = "host={PGHOST} port={PGPORT} user={PGUSER} password={PGPASSWORD} dbname={PGDATABASE}".format(**os.environ)
URL = "postgresql+psycopg2://{PGUSER}:{PGPASSWORD}@{PGHOST}:{PGPORT}/{PGDATABASE}".format(**os.environ)


def check(name, fn):
    try:
        fn()
    except Exception as e:  # the reason, then stop: later checks build on earlier ones
        print(f"FAIL {name}: {type(e).__name__}: {e}")
        sys.exit(1)
    print(f"ok   {name}")


def psycopg2_basics():
    with psycopg2.connect(DSN) as c:
        with c.cursor() as cur:
            cur.execute("CREATE TABLE py_items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC(10,2))")
            cur.executemany(
                "INSERT INTO py_items VALUES (%s, %s, %s)",
                [(1, "one", 1.5), (2, "two's", 2.25), (3, None, None)],
            )
            cur.execute("SELECT id, name, price FROM py_items WHERE id = ANY(%s) ORDER BY id", ([1, 2],))
            rows = cur.fetchall()
            assert [(r[0], r[1], str(r[2])) for r in rows] == [(1, "one", "1.50"), (2, "two's", "2.25")], rows


def psycopg2_rollback():
    c = psycopg2.connect(DSN)
    try:
        cur = c.cursor()
        cur.execute("INSERT INTO py_items VALUES (4, 'four', 4)")
        c.rollback()
        cur.execute("SELECT count(*) FROM py_items")
        assert cur.fetchone()[0] == 3
        cur.execute("INSERT INTO py_items VALUES (5, 'five', 5)")
        try:
            cur.execute("INSERT INTO py_items VALUES (5, 'again', 5)")
            raise AssertionError("a duplicate key was accepted")
        except psycopg2.errors.UniqueViolation:
            pass
        try:
            cur.execute("SELECT 1")
            raise AssertionError("a failed transaction went on")
        except psycopg2.errors.InFailedSqlTransaction:
            pass
        c.rollback()
        cur.execute("SELECT count(*) FROM py_items")
        assert cur.fetchone()[0] == 3
        c.commit()
    finally:
        c.close()


def psycopg2_copy():
    with psycopg2.connect(DSN) as c:
        with c.cursor() as cur:
            cur.copy_expert("COPY py_items FROM STDIN WITH (FORMAT csv)", io.StringIO("10,ten,10.00\n11,\"el,even\",11.00\n"))
            cur.copy_from(io.StringIO("12\ttwelve\t12.00\n13\t\\N\t\\N\n"), "py_items")
            out = io.StringIO()
            cur.copy_expert("COPY (SELECT id, name FROM py_items WHERE id >= 10 ORDER BY id) TO STDOUT WITH CSV", out)
            assert out.getvalue() == '10,ten\n11,"el,even"\n12,twelve\n13,\n', out.getvalue()


def psycopg2_server_side_cursor():
    with psycopg2.connect(DSN) as c:
        with c.cursor() as cur:
            cur.execute("CREATE TABLE py_many (n INTEGER, sq BIGINT)")
            cur.copy_from(io.StringIO("".join(f"{i}\t{i * i}\n" for i in range(25000))), "py_many")
        # a named cursor is DECLARE ... CURSOR WITHOUT HOLD FOR ..., read with FETCH FORWARD itersize
        with c.cursor(name="walk") as cur:
            cur.itersize = 1000
            cur.execute("SELECT n, sq FROM py_many ORDER BY n")
            seen = 0
            for n, sq in cur:
                assert n == seen and sq == n * n, (n, sq, seen)
                seen += 1
            assert seen == 25000, seen
        with c.cursor(name="part") as cur:
            cur.execute("SELECT n FROM py_many WHERE n < 10 ORDER BY n")
            assert [r[0] for r in cur.fetchmany(3)] == [0, 1, 2]
            assert [r[0] for r in cur.fetchall()] == list(range(3, 10))


def sqlalchemy_core_and_orm():
    engine = create_engine(URL)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    names = inspect(engine).get_table_names()
    assert "py_items" in names, names
    columns = {c["name"]: c for c in inspect(engine).get_columns("py_items")}
    assert list(columns) == ["id", "name", "price"], columns
    assert str(columns["price"]["type"]) == "NUMERIC(10, 2)", columns["price"]
    assert columns["id"]["nullable"] is False and columns["name"]["nullable"] is True, columns
    md = MetaData()
    people = Table("py_people", md, Column("id", Integer, primary_key=True), Column("name", String(40)))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(people.insert(), [{"id": 1, "name": "ada"}, {"id": 2, "name": "grace"}])
    with engine.connect() as conn:
        got = conn.execute(select(people.c.name).order_by(people.c.id)).scalars().all()
        assert got == ["ada", "grace"], got
    Base = declarative_base()

    class Person(Base):
        __tablename__ = "py_people"
        id = Column(Integer, primary_key=True)
        name = Column(String(40))

    with Session(engine) as s:
        s.add(Person(id=3, name="edsger"))
        s.commit()
        assert s.query(Person).filter(Person.name == "edsger").one().id == 3
    # what reflection reads of keys and indexes, as Alembic's autogenerate and ORMs do
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE py_keyed (a INTEGER, b TEXT, c INTEGER UNIQUE, PRIMARY KEY (b, a))"))
        conn.execute(text("CREATE INDEX py_keyed_c_a ON py_keyed (c, a)"))
    insp = inspect(engine)
    pk = insp.get_pk_constraint("py_keyed")
    assert pk["constrained_columns"] == ["b", "a"] and pk["name"] == "py_keyed_pkey", pk
    indexes = {i["name"]: i for i in insp.get_indexes("py_keyed")}
    assert indexes["py_keyed_c_a"]["column_names"] == ["c", "a"], indexes
    assert not indexes["py_keyed_c_a"]["unique"], indexes
    uniques = insp.get_unique_constraints("py_keyed")
    assert [u["column_names"] for u in uniques] == [["c"]], uniques
    assert insp.get_foreign_keys("py_keyed") == [], insp.get_foreign_keys("py_keyed")
    reflected = Table("py_keyed", MetaData(), autoload_with=engine)
    assert [c.name for c in reflected.primary_key.columns] == ["b", "a"], reflected.primary_key


def psycopg2_types():
    import datetime
    import uuid

    import psycopg2.extras

    psycopg2.extras.register_uuid()
    key = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    when = datetime.datetime(2024, 3, 10, 14, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    with psycopg2.connect(DSN) as c:
        with c.cursor() as cur:
            cur.execute(
                "CREATE TABLE py_typed (id UUID PRIMARY KEY, doc JSONB, raw JSON, data BYTEA,"
                " at TIMESTAMPTZ, t TIME)"
            )
            cur.execute(
                "INSERT INTO py_typed VALUES (%s, %s, %s, %s, %s, %s)",
                (key, psycopg2.extras.Json({"b": [1, 2], "a": "x"}), psycopg2.extras.Json([1, None]),
                 psycopg2.Binary(b"\x00\xffab"), when, datetime.time(8, 5, 30)),
            )
            cur.execute("SELECT id, doc, raw, data, at, t, doc ->> 'a' FROM py_typed WHERE id = %s", (key,))
            got = cur.fetchone()
            assert got[0] == key, got
            assert got[1] == {"a": "x", "b": [1, 2]} and got[2] == [1, None], got
            assert bytes(got[3]) == b"\x00\xffab", got
            assert got[4] == when and got[4].utcoffset() == datetime.timedelta(0), got
            assert got[5] == datetime.time(8, 5, 30) and got[6] == "x", got
            # doc -> key is jsonb (decoded), ->> text; a jsonb value compares by what it holds
            cur.execute("SELECT doc -> 'b', raw -> 1 FROM py_typed WHERE doc = %s",
                        (psycopg2.extras.Json({"a": "x", "b": [1.0, 2]}),))
            assert cur.fetchone() == ([1, 2], None), "-> keeps the document type"
            # numerics of any size come back as the Decimals that went in, each at its scale
            from decimal import Decimal
            cur.execute("CREATE TABLE py_money (id INTEGER, wide NUMERIC(38, 10), free NUMERIC)")
            cur.executemany("INSERT INTO py_money VALUES (%s, %s, %s)",
                            [(1, Decimal("12345678901234567890123456.0123456789"), Decimal("1.50")),
                             (2, Decimal("-0.5"), Decimal("99999999999999999999999"))])
            cur.execute("SELECT wide, free, free / 3, sum(free) OVER () FROM py_money ORDER BY id")
            got = [tuple(str(v) for v in row) for row in cur.fetchall()]
            # an interval column takes and gives timedeltas
            cur.execute("CREATE TABLE py_spans (id INTEGER, d INTERVAL)")
            cur.execute("INSERT INTO py_spans VALUES (%s, %s), (%s, %s)",
                        (1, datetime.timedelta(days=1, hours=2, milliseconds=500),
                         2, datetime.timedelta(minutes=-90)))
            cur.execute("SELECT d, d * 2 FROM py_spans ORDER BY id")
            assert cur.fetchall() == [
                (datetime.timedelta(days=1, hours=2, milliseconds=500),
                 datetime.timedelta(days=2, hours=4, seconds=1)),
                (datetime.timedelta(minutes=-90), datetime.timedelta(minutes=-180)),
            ]
            assert got == [
                ("12345678901234567890123456.0123456789", "1.50", "0.50000000000000000000",
                 "100000000000000000000000.50"),
                ("-0.5000000000", "99999999999999999999999", "33333333333333333333333",
                 "100000000000000000000000.50"),
            ], got
            # a Python list is an array (psycopg2 writes ARRAY[...]); it comes back as a list
            cur.execute("CREATE TABLE py_tagged (id INTEGER, tags TEXT[], scores INTEGER[])")
            cur.execute("INSERT INTO py_tagged VALUES (%s, %s, %s)", (1, ["a", "b c", None], [3, 1]))
            cur.execute("SELECT tags, scores FROM py_tagged WHERE %s = ANY(tags)", ("b c",))
            assert cur.fetchone() == (["a", "b c", None], [3, 1])


def psycopg2_time_zone():
    """A session zone from libpq's PGTZ (sent at start-up) and from SET TIME ZONE."""
    import datetime

    os.environ["PGTZ"] = "Asia/Kolkata"
    try:
        with psycopg2.connect(DSN) as c:
            with c.cursor() as cur:
                cur.execute("SHOW TimeZone")
                assert cur.fetchone() == ("Asia/Kolkata",)
                cur.execute("CREATE TABLE py_zoned (id INTEGER, at TIMESTAMPTZ)")
                # a naive datetime is text without an offset: read in the session's zone
                cur.execute("INSERT INTO py_zoned VALUES (1, %s)", (datetime.datetime(2024, 7, 1, 12, 0),))
                cur.execute("SELECT at, at::date, extract(hour FROM at) FROM py_zoned")
                at, day, hour = cur.fetchone()
                ist = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
                assert at == datetime.datetime(2024, 7, 1, 12, 0, tzinfo=ist), at
                assert at.utcoffset() == datetime.timedelta(hours=5, minutes=30), at
                assert day == datetime.date(2024, 7, 1) and int(hour) == 12, (day, hour)
                cur.execute("SET TIME ZONE 'America/Los_Angeles'")
                cur.execute("SELECT at, to_char(at, 'HH24:MI') FROM py_zoned")
                at, shown = cur.fetchone()
                assert at.utcoffset() == datetime.timedelta(hours=-7) and shown == "23:30", (at, shown)
                assert at == datetime.datetime(2024, 7, 1, 6, 30, tzinfo=datetime.timezone.utc), at
    finally:
        del os.environ["PGTZ"]


def sqlalchemy_types():
    import uuid

    from sqlalchemy.dialects.postgresql import BYTEA, JSONB, UUID

    engine = create_engine(URL)
    Base = declarative_base()

    class Event(Base):
        __tablename__ = "py_events"
        id = Column(UUID(as_uuid=True), primary_key=True)
        payload = Column(JSONB)
        blob = Column(BYTEA)

    Base.metadata.create_all(engine)
    key = uuid.UUID("b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12")
    with Session(engine) as s:
        s.add(Event(id=key, payload={"kind": "click", "n": 3}, blob=b"\x01\x02"))
        s.commit()
    with Session(engine) as s:
        e = s.get(Event, key)
        assert e.payload == {"kind": "click", "n": 3} and e.blob == b"\x01\x02", (e.payload, e.blob)
        assert s.query(Event).filter(Event.payload["kind"].astext == "click").count() == 1
    columns = {c["name"]: str(c["type"]) for c in inspect(engine).get_columns("py_events")}
    assert columns == {"id": "UUID", "payload": "JSONB", "blob": "BYTEA"}, columns


def pandas_round_trip():
    import pandas as pd

    engine = create_engine(URL)
    df = pd.DataFrame({"k": ["a", "b", "c"], "v": [1.5, 2.5, None]})
    df.to_sql("py_frame", engine, index=False)
    back = pd.read_sql("SELECT k, v FROM py_frame ORDER BY k", engine)
    assert list(back["k"]) == ["a", "b", "c"], back
    assert back["v"].isna().tolist() == [False, False, True], back


check("psycopg2: execute, executemany, = ANY(list)", psycopg2_basics)
check("psycopg2: rollback, a failed statement aborts the transaction", psycopg2_rollback)
check("psycopg2: copy_expert and copy_from in, COPY TO STDOUT out", psycopg2_copy)
check("psycopg2: server-side (named) cursor, itersize 1000 over 25,000 rows", psycopg2_server_side_cursor)
check("SQLAlchemy: connect, inspect (table names, columns, keys, indexes), Core and ORM", sqlalchemy_core_and_orm)
check("psycopg2: uuid, json, jsonb, bytea, timestamptz and time in and out", psycopg2_types)
check("psycopg2: a session time zone from PGTZ and SET TIME ZONE", psycopg2_time_zone)
check("SQLAlchemy: UUID, JSONB and BYTEA columns, ORM and a JSONB path filter", sqlalchemy_types)
check("pandas: to_sql and read_sql", pandas_round_trip)
print("all Python client checks passed")
