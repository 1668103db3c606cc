// The Fastify side of the cross-cutting layer: compression, timing headers, route prefix, OpenAPI.
import compress from '@fastify/compress';
import { RequestMethod } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { BROTLI_QUALITY, CachedReadFastPath, registerRequestTiming, registerStoppingGate, RouteStats, StoppingGate } from '@tradepulse/platform';
import { constants as zlibConstants } from 'node:zlib';

export const API_PREFIX = 'api/v1';

/** Routes the contract places outside /api/v1. */
const UNPREFIXED = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
  { path: 'api/metrics', method: RequestMethod.GET },
  { path: 'admin/api/{*rest}', method: RequestMethod.ALL },
];

/** Returns the gate that refuses new requests once the process begins to stop. */
export async function setUpHttp(app: NestFastifyApplication, profiles: ProfileService, routeStats: RouteStats): Promise<StoppingGate> {
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(compress, {
    threshold: profiles.bootValue('http').compressionThresholdBytes,
    encodings: ['br', 'gzip'],
    // quality 4 keeps brotli's CPU cost near gzip's while still beating it on size (cached answers use the same)
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
  });
  const logLevel = app.get(AppConfig).env.LOG_LEVEL;
  registerRequestTiming(fastify, routeStats, { logRequests: ['info', 'debug', 'trace'].includes(logLevel) });
  // before the cached fast path, which answers without reaching the routes
  const stoppingGate = registerStoppingGate(fastify);
  app.get(CachedReadFastPath).register(fastify);
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  const info = new DocumentBuilder()
    .setTitle('Tradepulse API')
    .setDescription('Price alerts, notifications and trading companion API. Prices travel as JSON numbers in requests and decimal strings in answers.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key: tp_<keyId>_<secret>' })
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, 'X-API-Key')
    .build();
  // a factory: the document is built on the first /docs or /docs-json request and kept, not at every start
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, info), { jsonDocumentUrl: 'docs-json' });
  return stoppingGate;
}
