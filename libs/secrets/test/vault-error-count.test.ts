import { AppError, NotFoundError } from '@appgov/errors';
import t from 'tap';
import { countVaultErrors, VAULT_ERROR_CODES } from '../src/vault-error-count.js';

t.test('counts Vault failures by code, not missing secrets, and passes results through', async (t) => {
  const counts = new Map<string, number>();
  const counter = {
    inc: ({ code }: { code: string }, v = 1) => counts.set(code, (counts.get(code) ?? 0) + v),
  };
  class Store {
    #calls = 0;
    async read(path: string) {
      this.#calls += 1;
      if (path === 'sealed') throw new AppError('VAULT_UNAVAILABLE', 'Vault is sealed');
      if (path === 'missing') throw new NotFoundError('SECRET_NOT_FOUND', 'no secret');
      return `value of ${path} (${this.#calls})`;
    }
  }
  const store = countVaultErrors(new Store(), counter);
  t.same([...counts.keys()].sort(), [...VAULT_ERROR_CODES].sort(), 'every code starts at 0');
  t.equal(await store.read('a'), 'value of a (1)', 'private state of the store still works');
  await t.rejects(store.read('sealed'), { code: 'VAULT_UNAVAILABLE' });
  await t.rejects(store.read('missing'), { code: 'SECRET_NOT_FOUND' });
  t.equal(counts.get('VAULT_UNAVAILABLE'), 1);
  t.notOk(counts.has('SECRET_NOT_FOUND'), 'a missing secret is an answer, not a Vault error');
});
