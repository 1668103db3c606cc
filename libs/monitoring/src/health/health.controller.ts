import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckError, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService, MikroOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthRegistry, Public } from '@tradepulse/platform';
import type { FastifyReply } from 'fastify';

const CHECK_TIMEOUT_MS = 1500;

@ApiTags('operations')
@Public()
@SkipThrottle({ ip: true, key: true })
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: MikroOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: HealthRegistry,
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'the process runs' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Terminus format; 503 names the failing part. Sent as is, not through the error filter. */
  @Get('ready')
  @ApiOkResponse({ description: 'database, cache/Redis and market feed are healthy' })
  @ApiServiceUnavailableResponse({ description: 'the failing part is named under "error"' })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
      ...this.registry.all().map((check) => () => this.run(check)),
    ];
    try {
      await reply.status(200).send(await this.health.check(checks));
    } catch (error) {
      const body = (error as { getResponse?: () => unknown }).getResponse?.() ?? { status: 'error', error: { health: { status: 'down', message: String(error) } } };
      await reply.status(503).send(body);
    }
  }

  private async run(check: HealthCheck) {
    const session = this.indicators.check(check.name);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ up: false; message: string }>((resolve) => {
      timer = setTimeout(() => resolve({ up: false, message: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
    });
    try {
      const { up, ...details } = await Promise.race([check.check(), timeout]);
      if (up || !check.critical) return session.up({ ...details, ...(up ? {} : { degraded: true }) });
      return session.down(details);
    } catch (error) {
      if (error instanceof HealthCheckError) throw error;
      return check.critical ? session.down({ message: (error as Error).message }) : session.up({ degraded: true, message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
