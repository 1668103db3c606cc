import { Body, Controller, Get, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Page, PageQueryDto, Roles } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';
import type { FastifyRequest } from 'fastify';
import { ProfileAdminService } from './profile-admin.service';
import { ProfileHistoryItem, ProfileSwitchView, ProfileView, SwitchProfileDto } from './profile.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'not an admin key' })
@Roles('admin')
@Controller('admin/api/profile')
export class ProfileAdminController {
  constructor(private readonly profiles: ProfileAdminService) {}

  @Get()
  @ApiOkResponse({ type: ProfileView })
  get(): ProfileView {
    return this.profiles.describe();
  }

  @Put()
  @ApiOkResponse({ type: ProfileSwitchView })
  switch(@Body() body: SwitchProfileDto, @CurrentUser() caller: AuthUser, @Req() request: FastifyRequest): Promise<ProfileSwitchView> {
    return this.profiles.switchTo(body.profile, caller, request.id);
  }

  @Get('history')
  history(@Query() query: PageQueryDto): Promise<Page<ProfileHistoryItem>> {
    return this.profiles.history(query);
  }
}
