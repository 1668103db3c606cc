import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEmbeddedProfileMarker, writeEmbeddedProfileMarker } from './embedded-profile-marker';

describe('the embedded profile marker', () => {
  it('reads back the profile written, and nothing from an empty or tampered data directory', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tp-marker-'));
    expect(readEmbeddedProfileMarker(dataDir)).toBeUndefined();
    writeEmbeddedProfileMarker(dataDir, 'aggressive');
    expect(readEmbeddedProfileMarker(dataDir)).toBe('aggressive');
    writeFileSync(join(dataDir, 'profile'), 'turbo\n');
    expect(readEmbeddedProfileMarker(dataDir)).toBeUndefined();
  });
});
