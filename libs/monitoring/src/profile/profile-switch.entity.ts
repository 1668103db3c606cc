import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One run-time profile switch: who, when, from, to. The newest row is the profile a restart comes back to. */
@Entity({ tableName: 'profile_switches' })
export class ProfileSwitch {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'text' })
  fromProfile!: string;

  @Property({ type: 'text' })
  toProfile!: string;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Property({ type: 'text' })
  actorName!: string;

  @Property({ type: 'text', nullable: true })
  requestId?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
