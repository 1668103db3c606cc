// Plugins register what /health/ready checks. A check that is not `critical` is shown but does not make the
// process unready (the Telegram bot being offline must not take the API out of a load balancer).
import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  up: boolean;
  [detail: string]: unknown;
}

export interface HealthCheck {
  name: string;
  critical: boolean;
  check(): Promise<HealthCheckResult>;
}

@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(check: HealthCheck): void {
    this.checks.set(check.name, check);
  }

  all(): HealthCheck[] {
    return [...this.checks.values()];
  }
}
