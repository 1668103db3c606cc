import { UserRole } from '../users/user.entity';

/** Who is calling: set on the request by ApiKeyGuard. */
export interface AuthUser {
  id: string;
  username: string;
  role: UserRole;
  keyId: string;
}
