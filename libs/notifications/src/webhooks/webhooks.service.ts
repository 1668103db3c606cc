// Registering, listing and removing a user's webhook endpoints.
import { Inject, Injectable } from '@nestjs/common';
import { conflict, invalid, limitExceeded, notFound, Page, PageQueryDto, pageWindow, toPage } from '@tradepulse/platform';
import { WebhookView } from './dto/webhook.dto';
import { WebhookTargetPolicy } from './webhook-target';
import { WebhookEndpoint, WebhooksRepository } from './webhooks.repository';

export const MAX_WEBHOOKS_PER_USER = 10;

@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    @Inject(WebhookTargetPolicy) private readonly targets: WebhookTargetPolicy,
  ) {}

  /** Stores the URL in its canonical form, so two spellings of one target are one endpoint (409 for the second). */
  async register(userId: string, rawUrl: string, secret: string): Promise<WebhookView> {
    const refusal = await this.targets.refusal(rawUrl);
    if (refusal) throw invalid(`url: ${refusal}`);
    const url = canonicalUrl(rawUrl);
    if ((await this.webhooks.countOwned(userId)) >= MAX_WEBHOOKS_PER_USER) {
      throw limitExceeded(`webhooks: at most ${MAX_WEBHOOKS_PER_USER} endpoints per user; delete one first`);
    }
    const created = await this.webhooks.create(userId, url, secret);
    if (!created) throw conflict('url: this URL is registered already; delete it first to change its secret');
    return toWebhookView(created);
  }

  async list(userId: string, page: PageQueryDto): Promise<Page<WebhookView>> {
    const { limit, offset } = pageWindow(page);
    const { items, total } = await this.webhooks.listOwned(userId, limit, offset);
    return toPage(items.map(toWebhookView), total, page);
  }

  /** The way back after `disableAfterFailures`: deliveries resume with the next notification (nothing is re-sent). */
  async enable(userId: string, id: string): Promise<WebhookView> {
    const endpoint = await this.webhooks.enableOwned(userId, id);
    if (!endpoint) throw notFound(`webhook ${id}`);
    return toWebhookView(endpoint);
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await this.webhooks.deleteOwned(userId, id))) throw notFound(`webhook ${id}`);
  }
}

/**
 * The WHATWG form of a URL the policy accepted: scheme and host in lower case, no default port, dot segments
 * resolved, escapes normalised; without the fragment, which is never sent.
 */
function canonicalUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

function toWebhookView(endpoint: WebhookEndpoint): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    enabled: endpoint.disabledAt === null,
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    consecutiveFailures: endpoint.consecutiveFailures,
    lastError: endpoint.lastError,
    lastDeliveredAt: endpoint.lastDeliveredAt?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
  };
}
