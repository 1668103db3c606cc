// The migration helper that swaps an `on delete cascade` foreign key for statement-level triggers, run against a real
// PostgreSQL-compatible server (the standalone PGlite of test/fakes; PGlite cannot load under Jest's module system).
import { Client } from 'pg';
import { cascadeByTriggerDown, cascadeByTriggerUp } from '../../libs/platform/src/database/cascade-by-trigger';
import { StandaloneDatabase, STANDALONE_START_TIMEOUT_MS, startStandaloneDatabase } from './support/standalone-database';

const LINK = { child: 'child', column: 'parent_id', parent: 'parent' };

describe('cascadeByTrigger migrations', () => {
  let database: StandaloneDatabase;
  let db: Client;
  const childIds = async () => (await db.query<{ id: number }>('select id from child order by id')).rows.map((row) => row.id);

  beforeAll(async () => {
    database = await startStandaloneDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    await db.query(`create table parent (id int primary key);
      create table child (id int primary key, parent_id int not null references parent (id) on delete cascade);`);
    for (const sql of cascadeByTriggerUp(LINK)) await db.query(sql);
  }, STANDALONE_START_TIMEOUT_MS);

  afterAll(async () => {
    await db?.end();
    await database?.dispose();
  });

  beforeEach(() => db.query('truncate parent; insert into parent values (1), (2); insert into child values (10, 1), (11, 1), (20, 2);'));

  it('no longer checks the parent of an inserted child', async () => {
    await db.query('insert into child values (99, 42)');
    expect(await childIds()).toContain(99);
  });

  it('deletes the children of deleted parents, as the cascade did', async () => {
    await db.query('delete from parent where id = 1');
    expect(await childIds()).toEqual([20]);
  });

  it('empties the children when the parent is truncated', async () => {
    await db.query('truncate parent');
    expect(await childIds()).toEqual([]);
  });

  it('goes back to the foreign key, dropping orphans first', async () => {
    await db.query('insert into child values (99, 42)');
    for (const sql of cascadeByTriggerDown(LINK)) await db.query(sql);
    expect(await childIds()).toEqual([10, 11, 20]);
    await expect(db.query('insert into child values (98, 42)')).rejects.toThrow(/foreign key/);
    await db.query('delete from parent where id = 2');
    expect(await childIds()).toEqual([10, 11]);
  });
});
