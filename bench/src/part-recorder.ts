/**
 * Init script: stamps, on the page's clock, every PUT to the store (send, last byte sent, answer),
 * every slice the MD5 worker hashes, and every tRPC call. It wraps XMLHttpRequest, Worker and fetch
 * instead of reading Playwright's request timings because those have no "last byte sent" mark and
 * do not see the worker. The XHR listeners are added in open(), before the app sets its own
 * onload, so a part's answer is stamped before the app reacts to it by sending the next part.
 */
export function partRecorder(storePort: string): string {
  return `
  window.__parts = { puts: [], md5: [], api: [] };
  const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    let toStore = false;
    try { toStore = method === 'PUT' && new URL(String(url), location.href).port === ${JSON.stringify(storePort)}; } catch {}
    if (toStore && !this.__bench) {
      const rec = (this.__bench = { size: 0, send: 0, sent: 0, end: 0, status: 0 });
      this.upload.addEventListener('load', () => { rec.sent = performance.now(); });
      const end = () => { rec.end ||= performance.now(); rec.status = this.status; };
      this.addEventListener('load', end);
      this.addEventListener('error', end);
      this.addEventListener('abort', end);
    }
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    const rec = this.__bench;
    if (rec) {
      rec.size = (body && body.size) || 0;
      rec.send = performance.now();
      window.__parts.puts.push(rec);
    }
    return send.call(this, body);
  };
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && typeof msg === 'object' && msg.blob instanceof Blob) {
      window.__parts.md5.push({ id: msg.id, size: msg.blob.size, posted: performance.now(), done: 0 });
      if (!this.__benchHooked) {
        this.__benchHooked = true;
        this.addEventListener('message', (e) => {
          const r = window.__parts.md5.find((x) => x.id === (e.data && e.data.id) && !x.done);
          if (r) r.done = performance.now();
        });
      }
    }
    return post.call(this, msg, ...rest);
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = String(input instanceof Request ? input.url : input);
    const p = fetch0.call(this, input, init);
    const m = /\\/trpc\\/([^?]+)/.exec(url);
    if (m) {
      const rec = { name: decodeURIComponent(m[1]), start: performance.now(), end: 0 };
      window.__parts.api.push(rec);
      p.then((res) => res.clone().arrayBuffer()).finally(() => { rec.end = performance.now(); }).catch(() => {});
    }
    return p;
  };
`;
}
