import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, ProfileService } from '@tradepulse/config';
import { MARKET_FEED, ManualFeed, MarketFeed } from './feeds/market-feed';
import { SimulatedFeed } from './feeds/simulated-feed';
import { MarketController } from './market.controller';
import { MarketCommands } from './market.telegram';
import { MarketDataService } from './market-data.service';

function createFeed(config: AppConfig, profiles: ProfileService): MarketFeed {
  switch (config.env.MARKET_FEED) {
    case 'simulated':
      return new SimulatedFeed(config.env.MARKET_SYMBOLS, profiles.section('market').tickIntervalMs);
    case 'manual':
      return new ManualFeed();
    default:
      // ccxt and replay feeds land with the market-data issue; refuse rather than pretend
      throw new Error(`MARKET_FEED=${config.env.MARKET_FEED} is not available in this build; use simulated or manual`);
  }
}

/** Prices for every plugin: feeds, the latest-price book, candles, and the admin tick entrance. */
@Global()
@Module({
  controllers: [MarketController],
  providers: [{ provide: MARKET_FEED, inject: [AppConfig, ProfileService], useFactory: createFeed }, MarketDataService, MarketCommands],
  exports: [MarketDataService],
})
export class MarketDataModule implements OnApplicationBootstrap {
  constructor(private readonly market: MarketDataService) {}

  onApplicationBootstrap(): void {
    this.market.startFeed();
  }
}
