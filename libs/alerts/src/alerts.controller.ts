import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CachedRoute, CurrentUser, Page } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';
import { AlertStats, AlertsService } from './alerts.service';
import { AlertTriggerView, AlertView, CreateAlertDto, ListAlertsQueryDto, UpdateAlertDto } from './dto/alert.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Post()
  @ApiCreatedResponse({ type: AlertView })
  @ApiConflictResponse({ description: "over the profile's per-user limit of active alerts" })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateAlertDto): Promise<AlertView> {
    return this.alerts.create(user.id, body);
  }

  @Get()
  @CachedRoute('alerts')
  list(@CurrentUser() user: AuthUser, @Query() query: ListAlertsQueryDto): Promise<Page<AlertView>> {
    return this.alerts.list(user.id, query);
  }

  @Get('stats')
  @ApiOkResponse({ description: '{ active, triggered, expired, cancelled, triggersLast24h } (+ system for admins)' })
  stats(@CurrentUser() user: AuthUser): Promise<AlertStats> {
    return this.alerts.stats(user.id, user.role === 'admin');
  }

  @Get(':id')
  @CachedRoute('alerts')
  @ApiOkResponse({ type: AlertView })
  @ApiNotFoundResponse({ description: "missing, or another user's" })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<AlertView> {
    return this.alerts.get(user.id, id);
  }

  @Get(':id/triggers')
  @CachedRoute('alerts')
  triggers(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<{ items: AlertTriggerView[] }> {
    return this.alerts.triggers(user.id, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: AlertView })
  update(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: UpdateAlertDto): Promise<AlertView> {
    return this.alerts.update(user.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'cancelled' })
  async cancel(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.alerts.cancel(user.id, id);
  }
}
