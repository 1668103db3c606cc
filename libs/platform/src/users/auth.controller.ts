import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { RegisterDto, RegisteredUserView } from './dto';
import { UsersService } from './users.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @ApiCreatedResponse({ type: RegisteredUserView, description: 'the API key is shown once' })
  @ApiForbiddenResponse({ description: 'registration is disabled' })
  @ApiConflictResponse({ description: 'username taken' })
  register(@Body() body: RegisterDto): Promise<RegisteredUserView> {
    return this.users.register(body.username);
  }
}
