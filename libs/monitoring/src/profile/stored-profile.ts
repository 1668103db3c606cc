// Read before Nest starts: the profile the last run-time switch chose, so that a restart comes back to it.
import { Client } from 'pg';
import { isProfileName, ProfileName } from '@tradepulse/config';

export async function readStoredProfile(databaseUrl: string): Promise<ProfileName | undefined> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query<{ table: string | null }>(`select to_regclass('public.profile_switches')::text as table`);
    if (!exists.rows[0]?.table) return undefined;
    const result = await client.query<{ to_profile: string }>('select to_profile from profile_switches order by id desc limit 1');
    const name = result.rows[0]?.to_profile;
    return name && isProfileName(name) ? name : undefined;
  } finally {
    await client.end();
  }
}
