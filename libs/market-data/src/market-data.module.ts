import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { CcxtFeed } from './feeds/ccxt-feed';
import { CcxtTickerSource } from './feeds/ccxt-ticker-source';
import { MARKET_FEED, ManualFeed, MarketFeed } from './feeds/market-feed';
import { ReplayFeed } from './feeds/replay-feed';
import { SimulatedFeed } from './feeds/simulated-feed';
import { MarketController } from './market.controller';
import { MarketCommands } from './market.telegram';
import { MarketDataService } from './market-data.service';
import { MarketCandlesRepository } from './market-candles.repository';
import { MarketPricesRepository } from './market-prices.repository';

function createFeed(config: AppConfig, profiles: ProfileService): MarketFeed {
  switch (config.env.MARKET_FEED) {
    case 'simulated':
      return new SimulatedFeed(config.env.MARKET_SYMBOLS, profiles.section('market').tickIntervalMs);
    case 'manual':
      return new ManualFeed();
    case 'replay':
      return ReplayFeed.fromFile(config.env.MARKET_REPLAY_FILE, config.env.MARKET_SYMBOLS, config.env.MARKET_REPLAY_SPEED);
    case 'ccxt':
      // the only place ccxt is loaded: nothing else in the app (or Jest) pays for it
      return new CcxtFeed(config.env.MARKET_SYMBOLS, profiles.section('market').tickIntervalMs, CcxtTickerSource.create(config.env.MARKET_EXCHANGE, config.env.MARKET_EXCHANGE_URL));
  }
}

/** Prices for every plugin: feeds, the latest-price book, candles, and the admin tick entrance. */
@Global()
@Module({
  controllers: [MarketController],
  providers: [{ provide: MARKET_FEED, inject: [AppConfig, ProfileService], useFactory: createFeed }, MarketPricesRepository, MarketCandlesRepository, MarketDataService, MarketCommands],
  exports: [MarketDataService],
})
export class MarketDataModule implements OnApplicationBootstrap {
  constructor(private readonly market: MarketDataService) {}

  onApplicationBootstrap(): void {
    this.market.startFeed();
  }
}
