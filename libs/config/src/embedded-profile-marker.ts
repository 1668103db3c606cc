// The profile of the last run-time switch, also kept as a file in DATA_DIR for the embedded database: the switch
// itself is stored in that database, but a few settings (PostgreSQL's shared_buffers) are needed to open it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProfileName } from './profile-loader';
import type { ProfileName } from './profile.schema';

const MARKER_FILE = 'profile';

/** The profile last switched to in this data directory; undefined when there is none (or it is unreadable). */
export function readEmbeddedProfileMarker(dataDir: string): ProfileName | undefined {
  try {
    const name = readFileSync(join(dataDir, MARKER_FILE), 'utf8').trim();
    return isProfileName(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

export function writeEmbeddedProfileMarker(dataDir: string, profile: ProfileName): void {
  writeFileSync(join(dataDir, MARKER_FILE), `${profile}\n`);
}
