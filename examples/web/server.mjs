// server.mjs - a small web chat over `dbtcoach --jsonl`, Node.js built-ins only.
//
//   DBTCOACH=path/to/dbtcoach PORT=8080 node server.mjs
//
// One coach process serves every browser session: each gets a random id and
// is one session in the JSON-lines stream. It serves the web chat of
// `dbtcoach serve` (web/) and speaks the same protocol:
//
//   POST /v1/turn  {"session"?: ID, "text"?: "...", "region"?: "US"}
//   200            the JSON-lines reply object, with "session": ID
//
// No session (or one this server no longer knows): a new one, with the
// greeting when there is no text, and "restarted": true for an unknown id. A message is never dropped: text sent with
// an unknown id is still screened and answered, in a new session.
//
// Listens on 127.0.0.1 only; put it behind your own TLS-terminating proxy to
// serve it. Environment: DBTCOACH (the program, default `dbtcoach` on PATH),
// DBTCOACH_SKILLS and DBTCOACH_REGION (read by the coach itself), PORT (0 or
// unset: any free port; the chosen one is printed).
//
// Nothing a person types is logged or written anywhere by this server.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// The page is the web chat `dbtcoach serve` serves (web/ of the project).
const WEB = process.env.DBTCOACH_WEB || path.join(HERE, '..', '..', 'web');
const BIN = process.env.DBTCOACH || 'dbtcoach';
const PORT = Number.parseInt(process.env.PORT || '0', 10) || 0;
const IDLE_MS = 30 * 60 * 1000; // a session unused this long is ended
const MAX_SESSIONS = 10000;
const MAX_BODY = 64 * 1024;
let stopping = false; // set on SIGINT/SIGTERM

const STATIC = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

const HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

// Where an embedding service would show its own safety UI, page a human or
// record the event by its own policy. This example does nothing more than
// the page's crisis panel; it never records what the person wrote.
function onCrisis(_id, _category) {}

// ---- the coach process: one request line in, one reply line out, in order

class CoachProcess {
  constructor(bin) {
    this.bin = bin;
    this.child = null;
    this.waiting = []; // resolvers, in the order the requests were written
  }

  start() {
    const child = spawn(this.bin, ['--jsonl'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    child.stdin.on('error', () => {}); // a dead child is handled on 'exit'
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line));
      } catch (e) {
        w.reject(e);
      }
    });
    child.on('error', (e) => this.lost(child, e));
    child.on('exit', (code, signal) =>
      this.lost(child, new Error(`dbtcoach stopped (${signal || code})`)));
  }

  lost(child, err) {
    if (this.child !== child) return;
    this.child = null;
    for (const w of this.waiting.splice(0)) w.reject(err);
    sessions.clear(); // their state went with the process
    if (!stopping) console.error(`server: ${err.message}`);
  }

  request(obj) {
    if (!this.child) this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(JSON.stringify(obj) + '\n');
    });
  }
}

const coach = new CoachProcess(BIN);
const sessions = new Map(); // id -> last use (ms)

function newId() {
  return randomBytes(18).toString('base64url');
}

function validRegion(r) {
  return typeof r === 'string' && /^[A-Za-z]{2,8}$/.test(r) ? r.toUpperCase() : undefined;
}

async function turn(body) {
  if ('text' in body && typeof body.text !== 'string') return [400, { error: '"text" must be a string' }];
  let id = typeof body.session === 'string' && sessions.has(body.session) ? body.session : null;
  const restarted = id === null && typeof body.session === 'string';
  if (!id) {
    if (sessions.size >= MAX_SESSIONS) return [503, { error: 'too many sessions, try again soon' }];
    id = newId();
  }
  sessions.set(id, Date.now());
  const req = { session: id };
  if (typeof body.text === 'string') req.text = body.text;
  const region = validRegion(body.region);
  if (region) req.region = region;
  // The person's safety plan, when the page keeps one (or null to clear it):
  // passed on as is; the coach checks and cleans it.
  if (body.plan === null || (body.plan && typeof body.plan === 'object' && !Array.isArray(body.plan)))
    req.plan = body.plan;
  const r = await coach.request(req);
  if (r.error) return [400, { error: r.error }];
  if (r.crisis) onCrisis(id, r.category);
  const reply = { ...r, session: id };
  if (r.ended) endSession(id);
  return [200, restarted ? { ...reply, restarted: true } : reply];
}

function endSession(id) {
  sessions.delete(id);
  coach.request({ session: id, end: true }).catch(() => {});
}

// Drop idle sessions: the coach keeps every session until told to end it.
setInterval(() => {
  const old = Date.now() - IDLE_MS;
  for (const [id, t] of sessions) if (t < old) endSession(id);
}, 60 * 1000).unref();

// ---- HTTP

function send(res, status, body, type = 'application/json; charset=utf-8') {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { ...HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) reject(Object.assign(new Error('message too long'), { status: 413 }));
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))); // no-op after a reject
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  try {
    if (url.pathname === '/v1/turn') {
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
      if (!(req.headers['content-type'] || '').startsWith('application/json'))
        return send(res, 415, { error: 'send application/json' });
      let body;
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        if (e.status) throw e;
        return send(res, 400, { error: 'malformed JSON' });
      }
      if (!body || typeof body !== 'object' || Array.isArray(body))
        return send(res, 400, { error: 'send a JSON object' });
      const [status, out] = await turn(body);
      return send(res, status, out);
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, HEADERS);
      return res.end();
    }
    const file = STATIC[url.pathname];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD'))
      return send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
    return send(res, 200, await readFile(path.join(WEB, file[0])), file[1]);
  } catch (e) {
    if (e.status) return send(res, e.status, { error: e.message });
    console.error(`server: ${e.message}`);
    return send(res, 502, { error: 'the coach is not available right now' });
  }
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
});

function shutdown() {
  stopping = true;
  server.close();
  if (coach.child) coach.child.stdin.end(); // the coach frees its sessions and exits
  setTimeout(() => process.exit(0), 500).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
