import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, InvalidatesCache } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';
import { ChatAccountsService, LinkCode } from './chat-accounts.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/telegram-link')
export class TelegramLinkController {
  constructor(private readonly accounts: ChatAccountsService) {}

  @Post()
  @HttpCode(201)
  @InvalidatesCache('me')
  @ApiCreatedResponse({ description: '{ code, expiresAt }: send "/link <code>" to the bot within 10 minutes' })
  create(@CurrentUser() user: AuthUser): Promise<LinkCode> {
    return this.accounts.issueLinkCode(user.id);
  }
}
