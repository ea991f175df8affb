/**
 * A fake LINE Platform on 127.0.0.1 for tests: the Messaging API (reply, push) on one port and
 * the data API (message content) on another, recording every call with its headers. It checks
 * what LINE checks (bearer token, message limits, one use per reply token, retry keys answered
 * 409 once accepted, the plan's monthly limit), and can refuse reply tokens, fail pushes (once
 * accepted, or for a while) or slow replies on demand.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  path: string;
  headers: IncomingHttpHeaders;
  body: SentBody;
  /** The HTTP status the fake answered. */
  status: number;
  /** Whether the messages reached the user (a push can be delivered yet answered 500). */
  delivered: boolean;
}

export interface SentMessage {
  type: string;
  text: string;
  quickReply?: { items: { type: string; action: { type: string; label: string; data: string; displayText?: string } }[] };
}

export interface SentBody { replyToken?: string; to?: string; messages: SentMessage[] }

export interface FakeLine {
  /** Messaging API origin (reply, push). */
  apiUrl: string;
  /** Data API origin (message content). */
  dataUrl: string;
  /** Every reply and push call, in arrival order, refused ones included. */
  calls: Call[];
  /** Message content served at GET /v2/bot/message/{id}/content. */
  contents: Map<string, Uint8Array>;
  /** The calls whose messages reached the user, in order. */
  delivered(): Call[];
  /** Makes a reply token invalid (400), like an expired one. */
  expireReplyToken(token: string): void;
  /** The next `n` pushes are accepted (delivered) but answered `status`, like a lost response. */
  failNextPushes(n: number, status?: number): void;
  /** For `ms` from now every push is answered `status` and not delivered (its retry key is not accepted), like an outage. */
  failPushesFor(ms: number, status?: number): void;
  /** Pushes delivered beyond this many are refused with LINE's 429 "You have reached your monthly limit." (default: none). */
  monthlyLimit: number;
  /** Replies wait this long before answering. */
  replyDelayMs: number;
  /** Users who blocked the account: pushes to them are refused (400). */
  blocked: Set<string>;
  /** While true every request's connection is dropped, like a network failure. */
  unreachable: boolean;
  /** Resolves once `pred` holds (polled), or rejects after `timeoutMs`. */
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeLine(channelAccessToken: string): Promise<FakeLine> {
  const calls: Call[] = [];
  const contents = new Map<string, Uint8Array>();
  const usedTokens = new Set<string>();
  const expired = new Set<string>();
  const acceptedKeys = new Set<string>();
  let failPushes = 0;
  let failStatus = 500;
  let outageUntil = 0;
  let outageStatus = 500;

  const api = createServer((req, res) => {
    if (fake.unreachable) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const path = req.url ?? '';
        if (req.method !== 'POST' || (path !== '/v2/bot/message/reply' && path !== '/v2/bot/message/push')) return send(404, { message: 'Not found' });
        let body: SentBody;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SentBody;
        } catch {
          return send(400, { message: 'The request body has 1 error(s)' });
        }
        const record = (status: number, answer: unknown) => {
          calls.push({ path, headers: req.headers, body, status, delivered: status === 200 });
          send(status, answer);
        };
        if (req.headers.authorization !== `Bearer ${channelAccessToken}`) return record(401, { message: 'Authentication failed' });
        const invalid = checkMessages(body.messages);
        if (invalid) return record(400, { message: invalid });
        if (path.endsWith('/reply')) {
          if (fake.replyDelayMs) await new Promise((r) => setTimeout(r, fake.replyDelayMs));
          const token = body.replyToken ?? '';
          if (!token || expired.has(token) || usedTokens.has(token)) return record(400, { message: 'Invalid reply token' });
          usedTokens.add(token);
          return record(200, { sentMessages: body.messages.map((_, i) => ({ id: String(i), quoteToken: 'q' })) });
        }
        if (body.to !== undefined && fake.blocked.has(body.to)) return record(400, { message: 'Failed to send messages' });
        if (Date.now() < outageUntil) return record(outageStatus, { message: 'Internal server error' });
        const key = req.headers['x-line-retry-key'];
        if (typeof key === 'string' && acceptedKeys.has(key)) return record(409, { message: 'The retry key is already accepted' });
        const pushed = calls.filter((c) => c.delivered && c.path.endsWith('/push')).length;
        if (pushed >= fake.monthlyLimit) return record(429, { message: 'You have reached your monthly limit.' });
        if (typeof key === 'string') acceptedKeys.add(key);
        if (failPushes > 0) {
          failPushes--;
          // Delivered, but the answer is an error: only the retry key keeps a retry from doubling it.
          calls.push({ path, headers: req.headers, body, status: failStatus, delivered: true });
          return send(failStatus, { message: 'Internal server error' });
        }
        return record(200, { sentMessages: body.messages.map((_, i) => ({ id: String(i), quoteToken: 'q' })) });
      })();
    });
  });

  const data = createServer((req, res) => {
    const m = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(req.url ?? '');
    const bytes = m && req.method === 'GET' && req.headers.authorization === `Bearer ${channelAccessToken}` ? contents.get(m[1]!) : undefined;
    if (!bytes) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not found' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(bytes.byteLength) });
    res.end(Buffer.from(bytes));
  });

  const listen = (s: Server) => new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
  const [apiUrl, dataUrl] = await Promise.all([listen(api), listen(data)]);
  const close = (s: Server) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });

  const fake: FakeLine = {
    apiUrl,
    dataUrl,
    calls,
    contents,
    delivered: () => calls.filter((c) => c.delivered),
    expireReplyToken: (token) => { expired.add(token); },
    failNextPushes: (n, status = 500) => { failPushes = n; failStatus = status; },
    failPushesFor: (ms, status = 500) => { outageUntil = Date.now() + ms; outageStatus = status; },
    monthlyLimit: Infinity,
    replyDelayMs: 0,
    blocked: new Set(),
    unreachable: false,
    async waitFor(pred, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error('fake LINE: timed out waiting');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: async () => { await Promise.all([close(api), close(data)]); },
  };
  return fake;
}

/** What LINE would refuse in a message list (null when fine). */
function checkMessages(messages: unknown): string | null {
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) return 'messages: 1 to 5 required';
  for (const m of messages as SentMessage[]) {
    if (m.type !== 'text' || typeof m.text !== 'string' || m.text.length < 1 || m.text.length > 5000) return 'text: 1 to 5000 characters';
    const items = m.quickReply?.items;
    if (items === undefined) continue;
    if (items.length < 1 || items.length > 13) return 'quickReply.items: 1 to 13';
    for (const it of items) {
      const a = it.action;
      if (it.type !== 'action' || a.type !== 'postback') return 'quickReply: postback actions only here';
      if ([...a.label].length > 20) return 'label: at most 20 characters';
      if (a.data.length > 300) return 'data: at most 300 characters';
      if (a.displayText !== undefined && a.displayText.length > 300) return 'displayText: at most 300 characters';
    }
  }
  return null;
}

/** The `x-line-signature` LINE sends: base64 HMAC-SHA256 of the raw body with the channel secret. */
export function sign(body: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}
