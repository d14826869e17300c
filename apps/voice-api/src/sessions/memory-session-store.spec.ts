import { ManualClock } from '../../test/manual-clock';
import { MemorySessionStore } from './memory-session-store';
import { describeSessionStoreContract } from '../../test/session-store-contract';

describeSessionStoreContract('MemorySessionStore', async () => {
  const clock = new ManualClock();
  return { store: new MemorySessionStore(clock), clock, checkDue: async () => undefined };
});
