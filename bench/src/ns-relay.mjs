// TCP relays: `node ns-relay.mjs LISTEN_HOST:PORT=TARGET_HOST:PORT ...`. Run inside the slow link's
// network namespace, they let Chromium there reach 127.0.0.1:PORT (the store, the API) across the
// link. Prints "ready" once listening; exits when its standard input closes (the bench ended).
import net from 'node:net';

const pairs = process.argv.slice(2).map((arg) => {
  const [from, to] = arg.split('=');
  const split = (hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) });
  return { from: split(from), to: split(to) };
});
await Promise.all(
  pairs.map(
    ({ from, to }) =>
      new Promise((resolve, reject) => {
        const server = net.createServer((client) => {
          const upstream = net.connect(to.port, to.host);
          client.setNoDelay(true);
          upstream.setNoDelay(true);
          // pipe() ends each side once the other has ended, after what it still has to write (an
          // early error answer from the store reaches the browser); only an error cuts both at once.
          client.pipe(upstream);
          upstream.pipe(client);
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
        });
        server.on('error', reject);
        server.listen(from.port, from.host, resolve);
      }),
  ),
);
console.log('ready');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
