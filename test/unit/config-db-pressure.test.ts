import { ConfigError, loadConfig } from '../../src/config';

describe('database pressure settings', () => {
  it('has defaults that bound every request and keep a quarter of the pool for reads', () => {
    const c = loadConfig({ DB_POOL_MAX: '20' });
    expect(c).toMatchObject({
      dbPoolAcquireTimeoutMs: 10000,
      dbStatementTimeoutMs: 30000,
      dbPoolReadReserve: 5,
    });
    expect(loadConfig({ DB_POOL_MAX: '1' }).dbPoolReadReserve).toBe(0);
  });

  it('takes the values given, 0 turning the statement timeout off', () => {
    const c = loadConfig({
      DB_POOL_MAX: '8',
      DB_POOL_READ_RESERVE: '3',
      DB_POOL_ACQUIRE_TIMEOUT_MS: '2500',
      DB_STATEMENT_TIMEOUT_MS: '0',
    });
    expect(c).toMatchObject({ dbPoolReadReserve: 3, dbPoolAcquireTimeoutMs: 2500, dbStatementTimeoutMs: 0 });
  });

  it('refuses a read reserve that leaves writes no connection, naming the variable', () => {
    expect(() => loadConfig({ DB_POOL_MAX: '4', DB_POOL_READ_RESERVE: '4' })).toThrow(ConfigError);
    expect(() => loadConfig({ DB_POOL_MAX: '4', DB_POOL_READ_RESERVE: '4' })).toThrow(/DB_POOL_READ_RESERVE/);
    expect(() => loadConfig({ DB_POOL_ACQUIRE_TIMEOUT_MS: '10' })).toThrow(/DB_POOL_ACQUIRE_TIMEOUT_MS/);
  });
});
