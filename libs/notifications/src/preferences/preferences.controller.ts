import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CachedRoute, CurrentUser, InvalidatesCache } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';
import { CHANNEL_NAMES, NotificationPreferences } from './notification-preferences';
import { PreferencesView, UpdatePreferencesDto } from './dto/preferences.dto';
import { PreferencesService } from './preferences.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  @CachedRoute('notification-preferences')
  @ApiOkResponse({ type: PreferencesView })
  async get(@CurrentUser() caller: AuthUser): Promise<PreferencesView> {
    return toView(await this.preferences.get(caller.id));
  }

  @Put()
  @InvalidatesCache('notification-preferences')
  @ApiOkResponse({ type: PreferencesView, description: 'the preferences now in force' })
  async update(@CurrentUser() caller: AuthUser, @Body() body: UpdatePreferencesDto): Promise<PreferencesView> {
    return toView(await this.preferences.update(caller.id, { ...body, channels: body.channels ? { ...body.channels } : undefined }));
  }
}

function toView(preferences: NotificationPreferences): PreferencesView {
  const channels = Object.fromEntries(CHANNEL_NAMES.map((name) => [name, preferences.channels[name] !== false])) as unknown as PreferencesView['channels'];
  return { channels, mutedCategories: preferences.mutedCategories, digest: preferences.digest };
}
