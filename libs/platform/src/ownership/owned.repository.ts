// Base for repositories of user-owned rows: every method takes the owner, so no query can forget it, and
// another user's id is indistinguishable from a missing one (both: null / 404).
import type { EntityName, FilterQuery, FindOptions, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Page, PageQueryDto, pageWindow, toPage } from '../pagination/page';

export interface Owned {
  id: string;
  user: unknown;
}

export abstract class OwnedRepository<T extends Owned> {
  protected constructor(
    protected readonly em: EntityManager,
    protected readonly entity: EntityName<T>,
  ) {}

  protected scoped(ownerId: string, where: FilterQuery<T> = {} as FilterQuery<T>): FilterQuery<T> {
    return { ...(where as object), user: ownerId } as FilterQuery<T>;
  }

  findOwned(ownerId: string, id: string, em: EntityManager = this.em.fork()): Promise<T | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return em.findOne(this.entity, this.scoped(ownerId, { id } as FilterQuery<T>));
  }

  async pageOwned(ownerId: string, where: FilterQuery<T>, query: PageQueryDto, orderBy: QueryOrderMap<T>): Promise<Page<T>> {
    const { limit, offset } = pageWindow(query);
    const options = { orderBy, limit, offset } as FindOptions<T>;
    const [items, total] = await this.em.fork().findAndCount(this.entity, this.scoped(ownerId, where), options);
    return toPage(items, total, query);
  }

  countOwned(ownerId: string, where: FilterQuery<T> = {} as FilterQuery<T>, em: EntityManager = this.em.fork()): Promise<number> {
    return em.count(this.entity, this.scoped(ownerId, where));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot exist, and must not reach PostgreSQL as a cast error (500). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
