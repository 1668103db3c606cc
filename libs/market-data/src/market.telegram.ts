// /price <symbol>
import { BotCommand, commandArgs, replyHtml } from '@tradepulse/telegram';
import type { BotContext } from '@tradepulse/telegram';
import { Ctx, Update } from 'nestjs-telegraf';
import { MarketDataService } from './market-data.service';

@Update()
export class MarketCommands {
  constructor(private readonly market: MarketDataService) {}

  @BotCommand('price', '<symbol> — the latest price, e.g. /price BTC/USDT')
  async price(@Ctx() ctx: BotContext): Promise<void> {
    const [input] = commandArgs(ctx);
    const known = this.market.prices.symbols.join(', ');
    if (!input) return replyHtml(ctx, `Usage: /price &lt;symbol&gt;, for example /price BTC/USDT. Known symbols: ${known}`);
    const symbol = this.market.prices.resolve(input);
    if (!symbol) return replyHtml(ctx, `I don't know the symbol "${input.replace(/[<>&]/g, '')}". Known symbols: ${known}`);
    const entry = this.market.prices.get(symbol);
    if (!entry) return replyHtml(ctx, `No price for ${symbol} yet.`);
    await replyHtml(ctx, `<b>${symbol}</b>: ${entry.price}\n<i>updated ${new Date(entry.updatedAt).toISOString().replace('T', ' ').slice(0, 19)} UTC</i>`);
  }
}
