// The user's stored notifications: listing and marking read. Every query is scoped by owner in the repository.
import { Injectable } from '@nestjs/common';
import { invalid, Page, PageQueryDto, pageWindow, toPage } from '@tradepulse/platform';
import { NotificationView, toView } from '../notification';
import { NotificationFilter, NotificationsRepository } from '../store/notifications.repository';

@Injectable()
export class InboxService {
  constructor(private readonly notifications: NotificationsRepository) {}

  async list(userId: string, filter: NotificationFilter, page: PageQueryDto): Promise<Page<NotificationView>> {
    const { limit, offset } = pageWindow(page);
    const { items, total } = await this.notifications.list(userId, filter, limit, offset);
    return toPage(items.map(toView), total, page);
  }

  /** Ids of other users' notifications (or unknown ids) change nothing and are not reported. */
  async markRead(userId: string, request: { ids?: string[]; all?: true }): Promise<{ updated: number }> {
    if ((request.ids === undefined) === (request.all === undefined)) throw invalid('body: send exactly one of ids or all: true');
    const updated = request.all ? await this.notifications.markAllRead(userId) : await this.notifications.markRead(userId, request.ids!);
    return { updated };
  }
}
