import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './user.entity';

/** An API key: the secret itself is never stored, only its SHA-256 (see DESIGN.md, "API keys are not passwords"). */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  /** public key id, the part of the key between `tp_` and the secret */
  @PrimaryKey({ type: 'text' })
  id!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text' })
  secretHash!: string;

  @Property({ type: 'text', nullable: true })
  label?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;
}
