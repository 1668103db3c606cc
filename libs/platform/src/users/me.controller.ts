import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyService } from '../auth/api-key.service';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import { CachedRoute, InvalidatesCache } from '../cache/cache.decorators';
import { ApiKeyView, CreateApiKeyDto, MeView } from './dto';
import { UsersService } from './users.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly keys: ApiKeyService,
  ) {}

  @Get()
  @CachedRoute('me')
  @ApiOkResponse({ type: MeView })
  async me(@CurrentUser() caller: AuthUser): Promise<MeView> {
    const user = await this.users.get(caller.id);
    return { id: user.id, username: user.username, role: user.role, telegramLinked: Boolean(user.telegramChatId), createdAt: user.createdAt };
  }

  @Get('api-keys')
  @CachedRoute('api-keys')
  @ApiOkResponse({ type: [ApiKeyView] })
  async listKeys(@CurrentUser() caller: AuthUser): Promise<{ items: ApiKeyView[] }> {
    return { items: await this.keys.list(caller.id) };
  }

  @Post('api-keys')
  @InvalidatesCache('api-keys')
  @ApiCreatedResponse({ type: ApiKeyView, description: 'the key is shown once' })
  createKey(@CurrentUser() caller: AuthUser, @Body() body: CreateApiKeyDto): Promise<ApiKeyView> {
    return this.keys.issue(caller.id, body.label ?? null);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @InvalidatesCache('api-keys')
  @ApiNoContentResponse({ description: 'revoked; another user\'s key id answers 404' })
  async revokeKey(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(caller.id, id);
  }
}
