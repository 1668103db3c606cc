// This machine's npm registry mirror serves only the Linux builds of packages that ship one optional package per
// platform (@swc/core-*, @msgpackr-extract/*…). npm then writes a lock without the other platforms' entries, and
// `npm ci` rejects such a lock as out of sync. Run this after every `npm install`: `npm run lock:platforms`.
const fs = require('fs');
const file = process.argv[2];
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/` : 'node_modules/';
    if (lock.packages[`node_modules/${name}`] || lock.packages[`${base}${name}`]) continue;
    const m = /-(darwin|linux|win32|freebsd|android|openbsd|sunos|aix)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64)/.exec(name);
    lock.packages[`node_modules/${name}`] = { version, optional: true, ...(m ? { os: [m[1]], cpu: [m[2]] } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} optional platform entries`);
