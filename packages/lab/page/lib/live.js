// @ts-check
/**
 * The lab's server-sent events. EventSource reconnects by itself; after a reconnect the caller refetches
 * its snapshot, since events sent while the connection was down are gone.
 *
 * @param {string} url
 * @param {Record<string, (data: any) => void>} handlers by event name
 * @param {{ onOpen?: (reconnected: boolean) => void; onDown?: () => void }} [status]
 */
export const connectLive = (url, handlers, status = {}) => {
  const source = new EventSource(url);
  let opened = false;
  source.addEventListener("open", () => {
    status.onOpen?.(opened);
    opened = true;
  });
  source.addEventListener("error", () => status.onDown?.());
  for (const [name, handler] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => {
      let data;
      try {
        data = JSON.parse(/** @type {MessageEvent} */ (event).data);
      } catch {
        return;
      }
      handler(data);
    });
  }
  return source;
};
