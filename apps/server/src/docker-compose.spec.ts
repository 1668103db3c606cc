// docker-compose.yml stays in step with what the server reads: service names, env keys, valid values.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { envVariables } from '../../../libs/config/src/env.schema';
import { loadEnv } from '../../../libs/config/src/env-loader';
import { loadProfile, parseOverrides } from '../../../libs/config/src/profile-loader';

const ROOT = resolve(__dirname, '../../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, unknown>;
}

function readYaml<T>(relativePath: string): T {
  // merge: true resolves the `<<: *tradepulse` anchors the app services share
  return parse(readFileSync(join(ROOT, relativePath), 'utf8'), { merge: true }) as T;
}

/** The environment of a service as a map, whichever of the two compose spellings it uses. */
function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((line) => line.split(/=(.*)/s, 2) as [string, string]) : Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(entries);
}

/** What compose makes of a value when the operator sets nothing: `${NAME:-default}` → default, `${NAME}` → ''. */
function withDefaults(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_, _name: string, fallback?: string) => fallback ?? '');
}

describe('docker-compose.yml', () => {
  const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
  const services = compose.services;
  /** services that run the Tradepulse image: their environment is read by libs/config */
  const appServices = Object.entries(services).filter(([, s]) => s.build !== undefined || s.image === services.server?.image);
  const serverEnv = () => Object.fromEntries(Object.entries(environmentOf(services.server)).map(([key, value]) => [key, withDefaults(value)]));

  it('defines postgres, redis, server, prometheus and grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'postgres', 'prometheus', 'redis', 'server']);
    expect(services.postgres.image).toBe('postgres:16');
    expect(services.redis.image).toBe('redis:7');
    expect(services.prometheus.image).toMatch(/^prom\/prometheus(:|$)/);
    expect(services.grafana.image).toMatch(/^grafana\/grafana(:|$)/);
  });

  it('runs one server built from the Dockerfile', () => {
    expect(appServices.map(([name]) => name)).toEqual(['server']);
    expect(services.server.build).toBeDefined();
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it('uses only environment keys the server reads (envVariables or TP__ overrides)', () => {
    const known = new Set(Object.keys(envVariables.shape));
    const unknown = Object.keys(environmentOf(services.server)).filter((key) => !known.has(key) && !key.startsWith('TP__'));
    expect(unknown).toEqual([]);
  });

  it('gives the server an environment that passes start-up validation when nothing is set on the host', () => {
    const env = serverEnv();
    const parsed = loadEnv(env);
    expect(parsed.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(parsed.REDIS_URL).toBe('redis://redis:6379');
    expect(() => loadProfile(parsed.PROFILE ?? 'balanced', parseOverrides(env))).not.toThrow();
  });

  it('runs every role (one process: the roles are not split yet) on 0.0.0.0:3000 with public metrics', () => {
    const server = loadEnv(serverEnv());
    expect(server.ROLES).toEqual(['api', 'bot', 'monitor', 'worker']);
    expect(server.HOST).toBe('0.0.0.0');
    expect(server.PORT).toBe(3000);
    expect(server.METRICS_PUBLIC).toBe(true);
    expect(server.ADMIN_API_KEY).toBeDefined();
  });

  it('has Prometheus scrape server:3000/metrics from config/prometheus.yml', () => {
    expect(services.prometheus.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/^\.\/config\/prometheus\.yml:\/etc\/prometheus\/prometheus\.yml/)]));
    const prometheus = readYaml<{ scrape_configs: Array<{ metrics_path?: string; static_configs: Array<{ targets: string[] }> }> }>('config/prometheus.yml');
    const job = prometheus.scrape_configs.find((candidate) => candidate.static_configs.some((c) => c.targets.includes('server:3000')));
    expect(job).toBeDefined();
    expect(job!.metrics_path ?? '/metrics').toBe('/metrics');
  });

  it('has Grafana provisioned with a Prometheus datasource pointing at the prometheus service', () => {
    expect(services.grafana.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/^\.\/config\/grafana\/provisioning:\/etc\/grafana\/provisioning/)]));
    const provisioning = readYaml<{ datasources: Array<{ type: string; url: string }> }>('config/grafana/provisioning/datasources/prometheus.yml');
    expect(provisioning.datasources).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]));
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('builds on node:20 with npm ci and npm run build, and runs the command of npm start directly', () => {
    expect(dockerfile).toMatch(/^FROM node:20\b/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    const start: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
    expect(start).toMatch(/^node .*dist\/apps\/server\/src\/main\.js$/);
    expect(JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1])).toEqual(start.split(' '));
  });

  it('copies config/ into the image, where the profiles are read at run time', () => {
    expect(dockerfile).toMatch(/^COPY config \.\/config/m);
  });
});
