import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, PageQueryDto } from '@tradepulse/platform';
import type { AuthUser } from '@tradepulse/platform';
import { CreateWebhookDto, WebhookPageView, WebhookView } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiCreatedResponse({ type: WebhookView, description: 'deliveries are POSTed as JSON signed with X-Tradepulse-Signature: sha256=<hex HMAC of the body>' })
  @ApiBadRequestResponse({ description: 'not an http(s) URL, or a private, loopback or link-local target not in the allowlist' })
  @ApiConflictResponse({ description: 'the per-user endpoint limit is reached' })
  register(@CurrentUser() caller: AuthUser, @Body() body: CreateWebhookDto): Promise<WebhookView> {
    return this.webhooks.register(caller.id, body.url, body.secret);
  }

  @Get()
  @ApiOkResponse({ type: WebhookPageView })
  list(@CurrentUser() caller: AuthUser, @Query() page: PageQueryDto): Promise<WebhookPageView> {
    return this.webhooks.list(caller.id, page);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookView, description: 'enabled again with consecutiveFailures 0; notifications from now on are delivered, earlier ones are not re-sent' })
  @ApiNotFoundResponse({ description: "a missing id and another user's id answer alike" })
  enable(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.enable(caller.id, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "removed; another user's id answers 404 like a missing one" })
  async remove(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(caller.id, id);
  }
}
