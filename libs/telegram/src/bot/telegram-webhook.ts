// Webhook mode: a Fastify route at the path of TELEGRAM_WEBHOOK_URL. The secret header is checked in onRequest,
// before the body is read; each update_id is claimed in the database once; the answer (200) goes out before the
// update is handled, so slow work never makes Telegram retry.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '@tradepulse/config';
import { counter } from '@tradepulse/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InjectBot } from 'nestjs-telegraf';
import { timingSafeEqual } from 'node:crypto';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { BotContext } from './bot-context';

const refusedTotal = counter({ name: 'tradepulse_telegram_webhook_refused_total', help: 'Webhook calls refused (bad secret)' });
const replayedTotal = counter({ name: 'tradepulse_telegram_webhook_replayed_total', help: 'Webhook updates already handled' });

@Injectable()
export class TelegramWebhook implements OnModuleInit {
  private readonly logger = new Logger('TelegramWebhook');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly em: EntityManager,
    @InjectBot() private readonly bot: Telegraf<BotContext>,
  ) {}

  onModuleInit(): void {
    const url = this.config.env.TELEGRAM_WEBHOOK_URL;
    if (!url) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post(new URL(url).pathname, { onRequest: (request, reply, done) => this.checkSecret(request, reply, done) }, (request, reply) => this.receive(request, reply));
  }

  @Interval('telegram-update-cleanup', 3_600_000)
  async forgetOldUpdates(): Promise<void> {
    if (!this.config.env.TELEGRAM_WEBHOOK_URL) return;
    await this.em.getConnection().execute(`delete from telegram_updates where received_at < now() - interval '2 days'`).catch(() => undefined);
  }

  private checkSecret(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const expected = Buffer.from(this.config.env.TELEGRAM_WEBHOOK_SECRET ?? '');
    const header = request.headers['x-telegram-bot-api-secret-token'];
    const presented = Buffer.from(typeof header === 'string' ? header : '');
    if (expected.length === 0 || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      refusedTotal.inc();
      void reply.status(401).send({ statusCode: 401, error: 'Unauthorized', message: 'X-Telegram-Bot-Api-Secret-Token: missing or wrong' });
      return;
    }
    done();
  }

  private async receive(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const update = request.body as Update | undefined;
    // Telegram's update ids are non-negative integers well inside a signed 64-bit column (and a JS safe integer)
    if (!update || !Number.isSafeInteger(update.update_id) || update.update_id < 0) {
      await reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: 'body: expected a Telegram Update with an integer update_id >= 0' });
      return;
    }
    const claimed = await this.em
      .getConnection()
      .execute<{ update_id: string }[]>('insert into telegram_updates (update_id) values (?) on conflict do nothing returning update_id', [update.update_id]);
    await reply.status(200).send({ ok: true });
    if (!claimed.length) {
      replayedTotal.inc();
      return;
    }
    this.bot.handleUpdate(update).catch((error: Error) => this.logger.error(`update ${update.update_id} failed: ${error.message}`));
  }
}
