import { describe } from 'vitest';
import type { RequestStore } from '../../../scripts/core/ports.js';
import { usePostgres } from '../../support/postgres-harness.js';
import { requestStoreContract } from '../../support/store-contract.js';

describe('PostgresRequestStore: the store contract, on a real PostgreSQL', () => {
  const pg = usePostgres();
  requestStoreContract(
    async () => pg.open(await pg.freshDatabase()),
    async (store: RequestStore) => store.close(),
  );
});
