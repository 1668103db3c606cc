// A database of its own for each server under test (e2e services mode, benches), made from DATABASE_URL and dropped after.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** `defaults`: settings its sessions start with unless a client says otherwise (ALTER DATABASE … SET), e.g. to test a server's own */
export async function createTestDatabase(baseUrl: string, prefix = 'tp_e2e', defaults: Record<string, string> = {}): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await withClient(baseUrl, async (client) => {
    await client.query(`create database ${name}`);
    for (const [setting, value] of Object.entries(defaults)) await client.query(`alter database ${name} set ${setting} = ${client.escapeLiteral(value)}`);
  });
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(baseUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

