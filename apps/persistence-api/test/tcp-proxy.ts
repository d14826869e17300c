import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

interface Link {
  client: Socket;
  upstream?: Socket;
  /** Bytes held back while the proxy swallows traffic, delivered on restore. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A TCP proxy on 127.0.0.1 in front of a database, to break the network under a running app:
 * `cut()` drops every connection and refuses new ones (the host is gone), `blackhole()` accepts
 * connections and keeps them open but passes nothing either way (packets vanish), `restore()`
 * forwards again on the same port, delivering what was held back.
 */
export class TcpProxy {
  port = 0;
  private server?: Server;
  private readonly links = new Set<Link>();
  private forwarding = true;

  constructor(private readonly target: { host: string; port: number }) {}

  /** Starts a proxy in front of the host and port of a postgres:// URL. */
  static async inFrontOf(url: string): Promise<TcpProxy> {
    const u = new URL(url);
    const proxy = new TcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
    await proxy.listen();
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  get openConnections() {
    return this.links.size;
  }

  private async listen() {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private accept(client: Socket) {
    const link: Link = { client, toUpstream: [], toClient: [] };
    this.links.add(link);
    client.on('error', () => undefined);
    client.on('close', () => {
      this.links.delete(link);
      link.upstream?.destroy();
    });
    client.on('data', (chunk) => (this.forwarding && link.upstream ? link.upstream.write(chunk) : link.toUpstream.push(chunk)));
    if (this.forwarding) this.connectUpstream(link);
  }

  private connectUpstream(link: Link) {
    const upstream = connect(this.target.port, this.target.host);
    link.upstream = upstream;
    upstream.on('error', () => link.client.destroy());
    upstream.on('close', () => link.client.destroy());
    upstream.on('data', (chunk) => (this.forwarding ? link.client.write(chunk) : link.toClient.push(chunk)));
    for (const chunk of link.toUpstream.splice(0)) upstream.write(chunk);
  }

  /** The database host goes away: open connections drop and new ones are refused. */
  async cut() {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const link of this.links) {
      link.client.destroy();
      link.upstream?.destroy();
    }
    this.links.clear();
    await closed;
  }

  /** Packets vanish: connections, old and new, stay open, and nothing passes either way. */
  async blackhole() {
    this.forwarding = false;
    if (!this.server) await this.listen();
  }

  /** Forwards again on the same port, delivering whatever was held back. */
  async restore() {
    this.forwarding = true;
    if (!this.server) await this.listen();
    for (const link of this.links) {
      if (!link.upstream) this.connectUpstream(link);
      else for (const chunk of link.toUpstream.splice(0)) link.upstream.write(chunk);
      for (const chunk of link.toClient.splice(0)) link.client.write(chunk);
    }
  }

  close() {
    return this.cut();
  }
}
