import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { MayBeOmitted } from '../errors/validation';

export class RegisterDto {
  @ApiProperty({ example: 'alice', description: '3–32 characters: letters, digits, _ . -' })
  @IsString()
  @Length(3, 32)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'username: only letters, digits, _ . - are allowed' })
  username!: string;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: 'laptop' })
  @MayBeOmitted()
  @IsString()
  @Length(1, 64)
  label?: string;
}

export class RegisteredUserView {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ description: 'shown once; store it' }) apiKey!: string;
}

export class MeView {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['user', 'admin'] }) role!: string;
  @ApiProperty() telegramLinked!: boolean;
  @ApiProperty() createdAt!: Date;
}

export class ApiKeyView {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) label!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt?: Date | null;
  @ApiPropertyOptional({ description: 'only in the answer that creates the key' }) apiKey?: string;
}
