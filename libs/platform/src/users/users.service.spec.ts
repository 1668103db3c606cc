import { AppConfig } from '@tradepulse/config';
import { ApiKeyService } from '../auth/api-key.service';
import { DomainError } from '../errors/domain-errors';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** A repository where the username "taken" and Telegram chat 42 belong to someone else already. */
function service() {
  const repository = {
    insert: jest.fn(async (username: string) => (username === 'taken' ? undefined : { id: 'u1', username, role: 'user' })),
    setTelegramChat: jest.fn(async (_userId: string, chatId: string) => chatId !== '42'),
  };
  const keys = { issue: jest.fn(async () => ({ apiKey: 'tp_key' })) };
  const config = { allowRegistration: true } as AppConfig;
  return { users: new UsersService(repository as unknown as UsersRepository, keys as unknown as ApiKeyService, config), keys };
}

describe('UsersService', () => {
  it('refuses a taken username with a conflict naming it, and issues no key', async () => {
    const { users, keys } = service();
    await expect(users.register('taken')).rejects.toMatchObject({ kind: 'conflict', message: 'username: "taken" is taken' });
    expect(keys.issue).not.toHaveBeenCalled();
  });

  it('answers a conflict when the chat was linked to another account by the time the link is written', async () => {
    const { users } = service();
    await expect(users.linkTelegramChat('u1', '42')).rejects.toBeInstanceOf(DomainError);
    await expect(users.linkTelegramChat('u1', '42')).rejects.toMatchObject({ kind: 'conflict' });
    await expect(users.linkTelegramChat('u1', '7')).resolves.toBeUndefined();
  });
});
