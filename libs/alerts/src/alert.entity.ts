import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from '@tradepulse/platform';
import { randomUUID } from 'node:crypto';
import type { AlertCondition, AlertFrequency } from './engine';

export type AlertStatus = 'active' | 'triggered' | 'expired' | 'cancelled';

@Entity({ tableName: 'alerts' })
@Index({ properties: ['user', 'status', 'createdAt'] })
export class Alert {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text' })
  symbol!: string;

  @Enum({ type: 'text', items: ['above', 'below', 'crosses_up', 'crosses_down', 'crosses', 'pct_up', 'pct_down'] })
  condition!: AlertCondition;

  /** exact decimal, as a string */
  @Property({ type: 'decimal', precision: 38, scale: 18, nullable: true })
  price?: string | null;

  @Property({ type: 'decimal', precision: 10, scale: 4, nullable: true })
  percent?: string | null;

  @Property({ type: 'integer', nullable: true })
  windowSec?: number | null;

  @Enum({ type: 'text', items: ['once', 'every_time'] })
  frequency: AlertFrequency = 'once';

  @Property({ type: 'integer' })
  cooldownSec!: number;

  @Enum({ type: 'text', items: ['active', 'triggered', 'expired', 'cancelled'] })
  status: AlertStatus = 'active';

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  lastTriggeredAt?: Date | null;

  @Property({ type: 'integer' })
  triggerCount: number = 0;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
