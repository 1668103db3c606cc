// One zod schema types every tunable of a profile. Units are in the key names.
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

export const PROFILE_NAMES = ['conservative', 'balanced', 'aggressive', 'maximum'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const profileSchema = z
  .object({
    http: z
      .object({
        cacheTtlSec: nonNegativeInt,
        compressionThresholdBytes: nonNegativeInt,
        bodyLimitBytes: positiveInt,
        rateLimitPerIpPerMin: positiveInt,
        rateLimitPerKeyPerMin: positiveInt,
        trustProxy: z.boolean(),
      })
      .strict(),
    cache: z
      .object({
        maxEntries: positiveInt,
        operationTimeoutMs: positiveInt,
        apiKeyTtlSec: nonNegativeInt,
      })
      .strict(),
    database: z
      .object({
        poolMin: nonNegativeInt,
        poolMax: positiveInt,
        batchSize: positiveInt,
        /**
         * PostgreSQL shared_buffers of the embedded database (PGlite), in MiB. PostgreSQL touches all of it at
         * start, so it is resident memory from the first second (128 MiB ≈ 130 MB RSS). Read from PROFILE and
         * TP__ overrides before the database opens, so a profile stored by a run-time switch does not set it.
         */
        embeddedSharedBuffersMb: positiveInt,
      })
      .strict(),
    memory: z.object({ budgetMb: positiveInt }).strict(),
    market: z
      .object({
        tickIntervalMs: positiveInt,
        priceCacheTtlSec: positiveInt,
        staleAfterSec: positiveInt,
      })
      .strict(),
    alerts: z
      .object({
        maxPerUser: positiveInt,
        defaultCooldownSec: nonNegativeInt,
        statsCacheTtlSec: nonNegativeInt,
      })
      .strict(),
    notifications: z
      .object({
        batchWindowMs: nonNegativeInt,
        batchSize: positiveInt,
        relayIntervalMs: positiveInt,
        relayBatchSize: positiveInt,
      })
      .strict(),
    websocket: z
      .object({
        maxConnections: positiveInt,
        maxConnectionsPerUser: positiveInt,
        pingIntervalMs: positiveInt,
        pingTimeoutMs: positiveInt,
        idleTimeoutSec: positiveInt,
        offlineQueueSize: nonNegativeInt,
        sendRatePerSec: positiveInt,
        sendBurst: positiveInt,
        compressionThresholdBytes: nonNegativeInt,
      })
      .strict(),
    queues: z
      .object({
        concurrency: positiveInt,
        retryAttempts: nonNegativeInt,
        retryBackoffMs: positiveInt,
      })
      .strict(),
    webhooks: z
      .object({
        timeoutMs: positiveInt,
        maxAttempts: positiveInt,
        disableAfterFailures: positiveInt,
      })
      .strict(),
    reports: z
      .object({
        concurrency: positiveInt,
        timeoutSec: positiveInt,
        retentionHours: positiveInt,
      })
      .strict(),
    llm: z
      .object({
        concurrency: positiveInt,
        ratePerMin: positiveInt,
        timeoutMs: positiveInt,
      })
      .strict(),
    monitoring: z
      .object({
        eventLoopLagWarnMs: positiveInt,
        memoryWarnMb: positiveInt,
        p95WarnMs: positiveInt,
        errorRateWarn: z.number().min(0).max(1),
      })
      .strict(),
    plugins: z
      .object({
        alerts: z.boolean(),
        notifications: z.boolean(),
        telegram: z.boolean(),
      })
      .strict(),
  })
  .strict();

export type ProfileConfig = z.infer<typeof profileSchema>;
export type ProfileSection = keyof ProfileConfig;

/** Keys whose new value only takes effect after a restart (listen socket, pools, body parser). */
export const RESTART_REQUIRED_KEYS: ReadonlySet<string> = new Set([
  'http.bodyLimitBytes',
  'http.compressionThresholdBytes',
  'http.trustProxy',
  'cache.maxEntries',
  'database.poolMin',
  'database.poolMax',
  'database.embeddedSharedBuffersMb',
  'websocket.pingIntervalMs',
  'websocket.pingTimeoutMs',
  'websocket.compressionThresholdBytes',
  'queues.concurrency',
  'reports.concurrency',
  'plugins.alerts',
  'plugins.notifications',
  'plugins.telegram',
]);
