// GET /metrics: public when the server listens on loopback or METRICS_PUBLIC=true; otherwise admins only.
import { Controller, ForbiddenException, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { AppConfig } from '@tradepulse/config';
import { Public } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

@ApiExcludeController()
@Public()
@SkipThrottle({ ip: true, key: true })
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly config: AppConfig) {
    super();
  }

  @Get()
  override async index(@Res({ passthrough: true }) response: unknown, @Req() request?: { user?: AuthUser }): Promise<string> {
    const open = this.config.env.METRICS_PUBLIC || LOOPBACK.has(this.config.host);
    if (!open && request?.user?.role !== 'admin') throw new ForbiddenException('/metrics needs an admin API key on a public interface (or METRICS_PUBLIC=true)');
    return super.index(response);
  }
}
