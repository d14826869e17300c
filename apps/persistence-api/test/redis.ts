/** The Redis the tests count failed sign-ins in: CI's (127.0.0.1:6379) unless TEST_REDIS_URL says otherwise. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
