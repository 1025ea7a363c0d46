'use strict';
// Helpers for the browser tests (loaded by the test page, called through Runtime.evaluate). They use only the
// browser's own WebSocket API and record what it reports as short lines, so a failing test shows the story.

/** The WebSocket URL for a path on the server this page came from (ws: or wss: to match the page). */
function wsUrl(path) {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
}

/** Resolves like promise, or rejects after ms naming what it was waiting for (every wait is bounded). */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out after ' + ms + ' ms waiting for ' + what)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A line describing a message's data: the text itself, or the binary type and size. */
function describeData(data) {
  if (typeof data === 'string') return 'text ' + data;
  if (data instanceof Blob) return 'Blob ' + data.size;
  if (data instanceof ArrayBuffer) return 'ArrayBuffer ' + data.byteLength;
  return 'unknown ' + Object.prototype.toString.call(data);
}

/**
 * Opens a WebSocket with on* handlers and records every event as a line with the readyState seen in it:
 * "open 1", "message text hi 1", "error 3", "close 1000 'exit status 0' clean 3". r.opened resolves on open
 * (rejects if the socket closes first), r.closed on close, r.next() with the next message's data.
 */
function record(url, binaryType) {
  const ws = new WebSocket(url);
  const r = {ws: ws, events: ['new ' + ws.readyState], data: []};
  if (binaryType) ws.binaryType = binaryType;
  const queue = [];
  const waiters = [];
  let opened, failed, closed;
  r.opened = new Promise((resolve, reject) => { opened = resolve; failed = reject; });
  r.opened.catch(() => {});
  r.closed = new Promise(resolve => { closed = resolve; });
  ws.onopen = () => { r.events.push('open ' + ws.readyState); opened(); };
  ws.onmessage = event => {
    r.events.push('message ' + describeData(event.data) + ' ' + ws.readyState);
    r.data.push(event.data);
    if (waiters.length) waiters.shift()(event.data); else queue.push(event.data);
  };
  ws.onerror = event => { r.events.push('error ' + ws.readyState + (event instanceof Event ? '' : ' not an Event')); };
  ws.onclose = event => {
    r.events.push('close ' + event.code + " '" + event.reason + "' " + (event.wasClean ? 'clean' : 'unclean')
        + ' ' + ws.readyState);
    failed(new Error('closed before open: ' + r.events.join(', ')));
    closed(r.events);
  };
  r.next = (ms, what) => within(ms || 5000, what || 'a message (so far: ' + r.events.join(', ') + ')',
      queue.length ? Promise.resolve(queue.shift()) : new Promise(resolve => waiters.push(resolve)));
  r.waitOpen = ms => within(ms || 5000, 'open (so far: ' + r.events.join(', ') + ')', r.opened);
  r.waitClosed = ms => within(ms || 5000, 'close (so far: ' + r.events.join(', ') + ')', r.closed);
  return r;
}

/** The bytes of a Blob or an ArrayBuffer. */
async function bytesOf(data) {
  return new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : data);
}

/** Concatenates byte arrays (binary output can arrive in any number of messages). */
function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('');
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The first index where a and b differ, or -1 when they are equal. */
function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
