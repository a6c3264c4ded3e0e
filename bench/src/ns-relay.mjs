// TCP relays: `node ns-relay.mjs LISTEN_HOST:PORT=TARGET_HOST:PORT ...`. Run inside the slow link's
// network namespace, they let Chromium there reach 127.0.0.1:PORT (the store, the API) across the
// link. Prints "ready" once listening; exits when its standard input closes (the bench ended).
// Commands on standard input, one a line: "count" prints "count N", the bytes clients sent through
// the first relay so far (what crossed the link toward the store); "reset" cuts every connection
// (RST both ways, so nothing still buffered keeps the link busy) and prints "reset".
import net from 'node:net';
import { createInterface } from 'node:readline';

let sent = 0;
const open = new Set();
const pairs = process.argv.slice(2).map((arg) => {
  const [from, to] = arg.split('=');
  const split = (hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) });
  return { from: split(from), to: split(to) };
});
await Promise.all(
  pairs.map(
    ({ from, to }, index) =>
      new Promise((resolve, reject) => {
        const server = net.createServer((client) => {
          const upstream = net.connect(to.port, to.host);
          client.setNoDelay(true);
          upstream.setNoDelay(true);
          if (index === 0) client.on('data', (chunk) => (sent += chunk.length));
          for (const s of [client, upstream]) {
            open.add(s);
            s.on('close', () => open.delete(s));
          }
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
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line === 'count') console.log(`count ${sent}`);
    else if (line === 'reset') {
      for (const s of open) s.resetAndDestroy();
      console.log('reset');
    }
  })
  .on('close', () => process.exit(0));
