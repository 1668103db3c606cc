// The record of profile switches: who switched to what and when, newest first; also how other processes learn of a switch.
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Page, PageQueryDto, pageWindow, toPage } from '@tradepulse/platform';
import { ProfileSwitch } from './profile-switch.entity';

@Injectable()
export class ProfileSwitchesRepository {
  constructor(private readonly em: EntityManager) {}

  async record(entry: Pick<ProfileSwitch, 'fromProfile' | 'toProfile' | 'actorId' | 'actorName' | 'requestId'>): Promise<ProfileSwitch> {
    const em = this.em.fork();
    const recorded = em.create(ProfileSwitch, { ...entry, createdAt: new Date() });
    await em.persist(recorded).flush();
    return recorded;
  }

  async page(query: PageQueryDto): Promise<Page<ProfileSwitch>> {
    const { limit, offset } = pageWindow(query);
    const [rows, total] = await this.em.fork().findAndCount(ProfileSwitch, {}, { orderBy: { id: 'desc' }, limit, offset });
    return toPage(rows, total, query);
  }

  async newest(): Promise<{ id: string; toProfile: string } | undefined> {
    const rows = await this.em.getConnection().execute<Array<{ id: string; to_profile: string }>>('select id::text as id, to_profile from profile_switches order by id desc limit 1');
    return rows[0] && { id: rows[0].id, toProfile: rows[0].to_profile };
  }
}
