import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted a bad configuration');
}

describe('loadConfig', () => {
  it('gives working defaults for the embedded mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: undefined,
      redisUrl: undefined,
      dataDir: path.resolve('./data'),
      demoData: true,
    });
  });

  it.each([['abc'], ['70000'], ['-1'], ['80.5']])('stops on PORT=%s, naming PORT', (port) => {
    expect(configError({ PORT: port }).message).toMatch(/^\s+PORT: /m);
  });

  it.each([['mysql://db.example/redress'], ['not a url'], ['db.example:5432']])(
    'stops on DATABASE_URL=%s, naming DATABASE_URL',
    (url) => {
      expect(configError({ DATABASE_URL: url }).message).toMatch(/^\s+DATABASE_URL: /m);
    },
  );

  it('names every bad variable at once', () => {
    const message = configError({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }).message;
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL'])
      expect(message).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
  });

  it('accepts a PostgreSQL URL and a port', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://app@db.example:5432/redress' });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgres://app@db.example:5432/redress');
    expect(config.demoData).toBe(false);
  });

  it('in production, requires the database, the PII keys and the chain keys', () => {
    const message = configError({ NODE_ENV: 'production' }).message;
    for (const name of ['DATABASE_URL', 'PII_KEYS', 'BLIND_INDEX_KEY', 'CHAIN_KEYS'])
      expect(message).toContain(`${name}: is required when NODE_ENV=production`);
  });
});
