// When a delivery claim without an outcome counts as left by a process that stopped between claim and send: the
// recovery sweep sends those again. Without Redis this process is the only one, so every claim older than its start
// is orphaned; with Redis only a claim older than STALE_CLAIM_SEC is (a younger one cannot be told from a send in
// flight in another process). A claim released on purpose (DeliveryDeferred) counts as orphaned at once.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@tradepulse/config';

/** a claim older than this without an outcome belongs to a process that stopped */
const STALE_CLAIM_SEC = 300;

@Injectable()
export class ClaimStaleness {
  readonly processStartedAt = new Date();

  constructor(private readonly config: AppConfig) {}

  /** Seconds since its last change after which a claim is orphaned, as of now. */
  staleAfterSec(): number {
    if (this.config.distributed) return STALE_CLAIM_SEC;
    return Math.min(STALE_CLAIM_SEC, Math.max(0, (Date.now() - this.processStartedAt.getTime()) / 1000));
  }
}
