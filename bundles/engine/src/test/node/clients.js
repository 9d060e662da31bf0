// node-postgres (pg) against a running Citadel engine, as an application uses it. Run by
// NodeClientsTest with PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE set; prints one line a
// check and exits non-zero at the first failure.
const { Client } = require('pg');
const assert = require('assert');

async function main() {
  const c = new Client();
  await c.connect();
  try {
    await c.query('CREATE TABLE node_t (id INTEGER PRIMARY KEY, name TEXT, amount BIGINT)');
    // parameters over the extended protocol
    await c.query('INSERT INTO node_t VALUES ($1, $2, $3)', [1, "it's", '9007199254740993']);
    let r = await c.query('SELECT id, name, amount FROM node_t WHERE id = $1', [1]);
    assert.deepStrictEqual(r.rows, [{ id: 1, name: "it's", amount: '9007199254740993' }]);
    console.log('ok   parameters and types');

    // a transaction rolled back leaves nothing; one committed keeps everything
    await c.query('BEGIN');
    await c.query("INSERT INTO node_t VALUES (2, 'rolled back', 0)");
    r = await c.query('SELECT count(*) AS n FROM node_t');
    assert.strictEqual(r.rows[0].n, '2');
    await c.query('ROLLBACK');
    await c.query('BEGIN');
    await c.query("INSERT INTO node_t VALUES (3, 'kept', 0)");
    await c.query('COMMIT');
    r = await c.query('SELECT id FROM node_t ORDER BY id');
    assert.deepStrictEqual(r.rows.map((x) => x.id), [1, 3]);
    console.log('ok   BEGIN / ROLLBACK / COMMIT');

    // a failed statement aborts the transaction until ROLLBACK
    await c.query('BEGIN');
    await assert.rejects(c.query('INSERT INTO node_t VALUES (3, $1, 0)', ['dup']), (e) => e.code === '23505');
    await assert.rejects(c.query('SELECT 1'), (e) => e.code === '25P02');
    await c.query('ROLLBACK');
    r = await c.query('SELECT count(*) AS n FROM node_t');
    assert.strictEqual(r.rows[0].n, '2');
    console.log('ok   the aborted transaction');

    r = await c.query('INSERT INTO node_t VALUES (4, $1, 4) RETURNING id, name', ['returned']);
    assert.deepStrictEqual(r.rows, [{ id: 4, name: 'returned' }]);
    console.log('ok   RETURNING');
  } finally {
    await c.end();
  }
  console.log('all node-postgres checks passed');
}

main().catch((e) => {
  console.log('FAIL ' + (e.stack || e));
  process.exit(1);
});
