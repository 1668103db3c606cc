import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';
import { ListNotificationsQueryDto, NotificationPageView } from './dto/list-notifications.dto';
import { MarkReadDto, MarkReadView } from './dto/mark-read.dto';
import { InboxService } from './inbox.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPageView, description: 'newest first' })
  list(@CurrentUser() caller: AuthUser, @Query() query: ListNotificationsQueryDto): Promise<NotificationPageView> {
    return this.inbox.list(caller.id, { unread: query.unread, category: query.category }, query);
  }

  @Post('read')
  @HttpCode(200)
  @ApiOkResponse({ type: MarkReadView })
  markRead(@CurrentUser() caller: AuthUser, @Body() body: MarkReadDto): Promise<MarkReadView> {
    return this.inbox.markRead(caller.id, body);
  }
}
