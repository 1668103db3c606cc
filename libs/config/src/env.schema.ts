// The process environment of the contract, validated once. Nothing outside libs/config reads process.env.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { findConfigDir } from './profile-loader';
import { PROFILE_NAMES } from './profile.schema';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const ROLE_NAMES = ['api', 'bot', 'monitor', 'worker'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export const envVariables = z.object({
  PORT: z.coerce.number({ invalid_type_error: 'must be a port number 0..65535' }).int('must be a port number 0..65535').min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// URL').optional(),
  /** keeps several deployments (or test runs) apart on one Redis */
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, _ and -').default('tradepulse'),
  PROFILE: z.enum(PROFILE_NAMES).optional(),
  ROLES: list.pipe(z.array(z.enum(ROLE_NAMES)).min(1)).default(ROLE_NAMES.join(',')),
  MARKET_FEED: z.enum(['simulated', 'manual', 'ccxt', 'replay']).default('simulated'),
  /** the OHLCV CSV of MARKET_FEED=replay; a relative path is taken from the working directory, the default ships in config/replay */
  MARKET_REPLAY_FILE: z
    .string()
    .min(1)
    .optional()
    .transform((file) => (file ? resolve(file) : join(findConfigDir(), 'replay', 'sample.csv'))),
  /** replayed time per wall-clock time: 60 plays one minute of the file per second */
  MARKET_REPLAY_SPEED: z.coerce.number().finite().positive().default(60),
  /** a ccxt exchange id for MARKET_FEED=ccxt */
  MARKET_EXCHANGE: z.string().regex(/^[a-z0-9_]+$/, 'a ccxt exchange id such as binance').default('binance'),
  /** sends every API request of the exchange to this base URL instead (a local fake exchange in tests, or a proxy) */
  MARKET_EXCHANGE_URL: z.string().url().optional(),
  MARKET_SYMBOLS: list.pipe(z.array(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'BASE/QUOTE')).min(1)).default('BTC/USDT,ETH/USDT,SOL/USDT'),
  ADMIN_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
  ALLOW_REGISTRATION: bool.optional(),
  METRICS_PUBLIC: bool.default('false'),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  TELEGRAM_API_ROOT: z.string().url().optional(),
  TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
  /** what Telegram accepts as a webhook's secret_token */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, '1-256 of A-Z a-z 0-9 _ - (what Telegram accepts)').optional(),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().optional(),
  /** webhook targets allowed although private/loopback/link-local: comma list of host or host:port */
  WEBHOOK_ALLOWLIST: list.default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const envSchema = envVariables.superRefine((env, context) => {
  // without a secret the webhook route refuses every update: a bot that looks online and never answers
  if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
    context.addIssue({ code: z.ZodIssueCode.custom, path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every update)' });
  }
});

export type EnvInput = z.input<typeof envSchema>;
export type AppEnv = z.infer<typeof envSchema>;
