import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import type { UserEntity } from './entities/user.entity';
import { UsersService } from './users.service';

/** A users table of one process's view: which ids exist, and how often the service asked. */
function fakeRepository(ids: Set<string>) {
  const asked: string[] = [];
  const repo = {
    existsBy: async ({ id }: { id: string }) => {
      asked.push(id);
      return ids.has(id);
    },
    delete: async ({ id }: { id: string }) => void ids.delete(id),
  };
  return { repo: repo as unknown as Repository<UserEntity>, asked };
}

describe('UsersService.exists (asked on every authenticated request)', () => {
  const T0 = 1_000_000;

  it('remembers an account it found for 5 s, then asks the database again', async () => {
    const id = randomUUID();
    const ids = new Set([id]);
    const { repo, asked } = fakeRepository(ids);
    const users = new UsersService(repo);
    expect(await users.exists(id, T0)).toBe(true);
    expect(await users.exists(id, T0 + 4_999)).toBe(true);
    expect(asked).toHaveLength(1);

    ids.delete(id); // deleted by another instance
    expect(await users.exists(id, T0 + 5_000)).toBe(false);
    expect(asked).toHaveLength(2);
  });

  it('never remembers an account that does not exist', async () => {
    const { repo, asked } = fakeRepository(new Set());
    const users = new UsersService(repo);
    const id = randomUUID();
    expect(await users.exists(id, T0)).toBe(false);
    expect(await users.exists(id, T0 + 1)).toBe(false);
    expect(asked).toEqual([id, id]);
  });

  it('forgets an account deleted in this process at once', async () => {
    const id = randomUUID();
    const { repo } = fakeRepository(new Set([id]));
    const users = new UsersService(repo);
    expect(await users.exists(id, T0)).toBe(true);
    await users.delete(id);
    expect(await users.exists(id, T0 + 1)).toBe(false);
  });
});
