import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUrl, Length, MaxLength } from 'class-validator';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://example.com/hooks/tradepulse', description: 'http(s); private, loopback and link-local targets are refused' })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url: must be an http(s) URL' })
  url!: string;

  @ApiProperty({ minLength: 16, maxLength: 256, description: 'HMAC key of X-Tradepulse-Signature; never shown again' })
  @IsString()
  @Length(16, 256)
  secret!: string;
}

export class WebhookView {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ description: 'false once the endpoint failed webhooks.disableAfterFailures times in a row' }) enabled!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) disabledAt!: string | null;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastDeliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class WebhookPageView {
  @ApiProperty({ type: [WebhookView] }) items!: WebhookView[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;
}
