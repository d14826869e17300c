// The machine's ceiling for run.mjs: a bare Fastify server with one route returning the JSON body
// it is sent over IPC. It runs in its own process so it doesn't share an event loop with autocannon.
import Fastify from 'fastify';

process.once('message', async ({ body }) => {
  const payload = JSON.parse(body); // serialised again on every request, as the API does
  const app = Fastify({ logger: false });
  app.get('/', async () => payload);
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ port: app.server.address().port });
});
process.on('disconnect', () => process.exit(0)); // the parent is gone: stop
