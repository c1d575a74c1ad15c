import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alertOf,
  failureOf,
  HOSTILE_MESSAGE,
  HOSTILE_SERVICE,
  loopbackPlaysPublic,
  refusingCheck,
} from '../../test/support/channel-alerts.js';
import type { DeliveryContext } from './channel.js';
import { classifyAddress, type ResolveHost } from './private-address.js';
import { silentLogger } from '../lib/logger.js';
import { renderAlert } from './render-alert.js';
import { createSmtpKind, type SmtpSettings, smtpFailure, smtpKind, textOfHtml } from './smtp.js';

// A real SMTP conversation with smtp-server on 127.0.0.1. The name mail.test stands for it
// (through the delivery's resolver) and its certificate, self-signed, is made for that name.

/** A key and a self-signed certificate for mail.test, made with openssl as an operator would. */
function makeCertificate(): { key: Buffer; cert: Buffer } {
  const folder = mkdtempSync(join(tmpdir(), 'watchtower-smtp-'));
  const keyFile = join(folder, 'mail.key');
  const certFile = join(folder, 'mail.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=mail.test',
      '-addext',
      'subjectAltName=DNS:mail.test',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  );
  try {
    return { key: readFileSync(keyFile), cert: readFileSync(certFile) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const certificate = makeCertificate();
/** The kind that trusts the test's certificate, as the system's authorities trust a real server's. */
const trusting = createSmtpKind({ ca: certificate.cert });

type SessionSeen = Pick<SMTPServerSession, 'secure' | 'servername' | 'user' | 'envelope'>;

/** What the session was when the message came: the envelope is copied, since the session is reused. */
const sessionSeen = ({ secure, servername, user, envelope }: SMTPServerSession): SessionSeen => ({
  secure,
  servername,
  user,
  envelope: { ...envelope, rcptTo: [...envelope.rcptTo] },
});

interface Received {
  session: SessionSeen;
  mail: ParsedMail;
  raw: string;
}

interface FakeSmtp {
  port: number;
  received: Received[];
  connections: number;
  logins: Array<{ username?: string; password?: string }>;
  close(): Promise<void>;
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** An SMTP server that keeps every message it accepts; `options` shape its conversation. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}): Promise<FakeSmtp> {
  const fake: FakeSmtp = { port: 0, received: [], connections: 0, logins: [], close: async () => {} };
  const server = new SMTPServer({
    key: certificate.key,
    cert: certificate.cert,
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onConnect: (_session, done) => {
      fake.connections += 1;
      done();
    },
    onData: (stream, session, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((mail) => {
          fake.received.push({ session: sessionSeen(session), mail, raw });
          done();
        }, done);
      });
    },
    ...options,
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
  fake.port = (server.server.address() as AddressInfo).port;
  fake.close = () => new Promise<void>((closed) => server.close(() => closed()));
  servers.push(fake);
  return fake;
}

/** mail.test and other.test stand for 127.0.0.1; inside.test for a private address elsewhere. */
const resolveTestNames: ResolveHost = async (host) => {
  if (host === 'mail.test' || host === 'other.test') return ['127.0.0.1'];
  if (host === 'inside.test') return ['10.1.2.3'];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

function context(options: { allowPrivateTargets?: boolean; public?: boolean; timeoutMs?: number } = {}): DeliveryContext {
  return {
    log: silentLogger,
    timeoutMs: options.timeoutMs ?? 5_000,
    checkAddress: async () => {},
    connections: {
      resolveHost: resolveTestNames,
      allowPrivateTargets: options.allowPrivateTargets ?? true,
      classify: options.public === false ? classifyAddress : loopbackPlaysPublic,
    },
  };
}

const settingsFor = (fake: FakeSmtp, more: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: 'mail.test',
  port: fake.port,
  from: 'Watchtower <watchtower@example.com>',
  to: 'ops@example.com',
  ...more,
});

async function send(fake: FakeSmtp, more: Partial<SmtpSettings> = {}, alert = alertOf('down'), message = renderAlert(alert)) {
  const answer = await trusting.deliver({ alert, message, settings: settingsFor(fake, more) }, context());
  return { answer, received: fake.received.at(-1)! };
}

describe('smtpKind.deliver over STARTTLS', () => {
  it('upgrades with STARTTLS, checks the certificate against the host name, and delivers text and HTML parts', async () => {
    const fake = await startSmtp();
    const { answer, received } = await send(fake);
    expect(answer.status).toBe(250);
    expect(answer.body).toMatch(/^250 /);
    expect(received.session.secure).toBe(true);
    expect(received.session.servername).toBe('mail.test');
    expect(received.session.envelope.mailFrom).toMatchObject({ address: 'watchtower@example.com' });
    expect(received.session.envelope.rcptTo.map((rcpt) => rcpt.address)).toEqual(['ops@example.com']);
    const { mail, raw } = received;
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(mail.subject).toBe('watchtower: backup is down');
    expect(mail.from?.text).toBe('"Watchtower" <watchtower@example.com>');
    expect(mail.messageId).toBe('<alert-down-1@example.com>');
    expect(mail.text?.trim()).toBe(renderAlert(alertOf('down')).text);
    expect(mail.html).toBe(renderAlert(alertOf('down')).html);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('x-watchtower-alert')).toBe('down');
    expect(raw).toMatch(/^X-Priority: 1 \(Highest\)\r$/m);
  });

  it('refuses a certificate made for another name', async () => {
    const fake = await startSmtp();
    const error = await failureOf(
      trusting.deliver(
        { alert: alertOf('down'), message: renderAlert(alertOf('down')), settings: settingsFor(fake, { host: 'other.test' }) },
        context(),
      ),
    );
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(
      /^TLS with other\.test:\d+ failed: Hostname\/IP does not match certificate's altnames: Host: other\.test\. is not in the cert's altnames: DNS:mail\.test$/,
    );
    expect(fake.received).toHaveLength(0);
  });

  it('refuses a self-signed certificate that nothing trusts', async () => {
    const fake = await startSmtp();
    const error = await failureOf(
      smtpKind.deliver({ alert: alertOf('down'), message: renderAlert(alertOf('down')), settings: settingsFor(fake) }, context()),
    );
    expect(error.message).toMatch(/^TLS with mail\.test:\d+ failed: self-signed certificate$/);
    expect(fake.received).toHaveLength(0);
  });

  it('sends in clear when the server offers no STARTTLS and no login is set', async () => {
    const fake = await startSmtp({ disabledCommands: ['STARTTLS'] });
    const { received } = await send(fake);
    expect(received.session.secure).toBe(false);
    expect(received.mail.subject).toBe('watchtower: backup is down');
  });
});

describe('smtpKind.deliver with TLS at once', () => {
  it('speaks TLS from the first byte when secure is set', async () => {
    const fake = await startSmtp({ secure: true });
    const { answer, received } = await send(fake, { secure: true });
    expect(answer.status).toBe(250);
    expect(received.session.secure).toBe(true);
    expect(received.session.servername).toBe('mail.test');
    expect(received.mail.text).toBeTruthy();
    expect(received.mail.html).toBeTruthy();
  });
});

describe('smtpKind.deliver with a login', () => {
  const onAuth: SMTPServerOptions['onAuth'] = (auth, _session, done) => {
    if (auth.username === 'alerts' && auth.password === 's3cret pass') return done(null, { user: auth.username });
    return done(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
  };

  it('logs in after STARTTLS and delivers', async () => {
    const fake = await startSmtp({ onAuth, authOptional: false });
    const { received } = await send(fake, { user: 'alerts', password: 's3cret pass' });
    expect(received.session.secure).toBe(true);
    expect(received.session.user).toBe('alerts');
  });

  it('makes a refused password (535) a permanent DeliveryError with the server words', async () => {
    const fake = await startSmtp({ onAuth, authOptional: false });
    const error = await failureOf(send(fake, { user: 'alerts', password: 'wrong' }));
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/^mail\.test:\d+ refused the login 535: .*Invalid username or password/);
  });

  it('never sends the password when the server offers no STARTTLS', async () => {
    const logins: unknown[] = [];
    const fake = await startSmtp({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _session, done) => {
        logins.push(auth);
        done(null, { user: auth.username });
      },
    });
    const error = await failureOf(send(fake, { user: 'alerts', password: 's3cret pass' }));
    expect(error.message).toMatch(/^mail\.test:\d+ refused STARTTLS 5\d\d \(a login is never sent unencrypted\)/);
    expect(logins).toEqual([]);
    expect(fake.received).toHaveLength(0);
  });
});

describe('smtpKind.deliver: what each alert says', () => {
  it.each([
    ['down', 'watchtower: backup is down', true],
    ['failed', 'watchtower: backup failed with exit code 2', true],
    ['reminder', 'watchtower: backup is still down', true],
    ['late', 'watchtower: backup is running late', false],
    ['recovered', 'watchtower: backup is pulsing again', false],
    ['event', 'watchtower: backup: error', true],
  ] as const)('sends a %s alert titled %s (high priority: %s)', async (kind, subject, urgent) => {
    const fake = await startSmtp();
    const alert = alertOf(kind);
    const { received } = await send(fake, {}, alert);
    const rendered = renderAlert(alert);
    expect(received.mail.subject).toBe(subject);
    expect(received.mail.text?.trim()).toBe(rendered.text);
    expect(received.mail.html).toBe(rendered.html);
    expect(received.mail.headers.get('x-watchtower-alert')).toBe(kind);
    if (urgent) expect(received.raw).toMatch(/^X-Priority: 1 \(Highest\)\r$/m);
    else expect(received.raw).not.toMatch(/^X-Priority:/m);
  });

  it('keeps a hostile service name and message literal: HTML escaped, no header injected', async () => {
    const fake = await startSmtp();
    const { received } = await send(
      fake,
      {},
      alertOf('event', `${HOSTILE_SERVICE}\r\nBcc: victim@example.net`, { message: HOSTILE_MESSAGE }),
    );
    expect(received.mail.subject).toBe(`watchtower: ${HOSTILE_SERVICE} Bcc: victim@example.net: error`);
    expect(received.mail.bcc).toBeUndefined();
    expect(received.session.envelope.rcptTo.map((rcpt) => rcpt.address)).toEqual(['ops@example.com']);
    expect(received.mail.html).not.toContain('<script>');
    expect(received.mail.html).not.toContain('<b>');
    expect(received.mail.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(received.mail.text).toContain(HOSTILE_MESSAGE);
  });

  it('sends a templated body as the HTML part, its text as the text part, and the title as the subject', async () => {
    const fake = await startSmtp();
    const alert = alertOf('down');
    const templated = { title: 'db&#60;1&#62; &amp; co is down', body: '<h1>Down</h1><p>db&#60;1&#62; stopped<br>at noon</p>' };
    const { received } = await send(fake, {}, alert, { ...renderAlert(alert), templated });
    expect(received.mail.subject).toBe('db<1> & co is down');
    expect(received.mail.html).toBe(templated.body);
    expect(received.mail.text?.trim()).toBe('Down\ndb<1> stopped\nat noon');
  });

  it('sends one message to every address in to', async () => {
    const fake = await startSmtp();
    const { received } = await send(fake, { to: ['ops@example.com, Night Shift <night@example.com>', 'boss@example.org'] });
    expect(fake.received).toHaveLength(1);
    expect(received.session.envelope.rcptTo.map((rcpt) => rcpt.address)).toEqual([
      'ops@example.com',
      'night@example.com',
      'boss@example.org',
    ]);
  });
});

describe('smtpKind.deliver: failures', () => {
  it('makes a 5xx refusal of the recipient a permanent DeliveryError', async () => {
    const fake = await startSmtp({
      onRcptTo: (_address, _session, done) => done(Object.assign(new Error('5.1.1 no such mailbox'), { responseCode: 550 })),
    });
    const error = await failureOf(send(fake));
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/^mail\.test:\d+ answered 550: .*no such mailbox/);
  });

  it('makes a 4xx answer to the message a DeliveryError worth a retry', async () => {
    const fake = await startSmtp({
      onData: (stream, _session, done) => {
        stream.resume();
        stream.on('end', () => done(Object.assign(new Error('4.2.2 mailbox full, try later'), { responseCode: 452 })));
      },
    });
    const error = await failureOf(send(fake));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/^mail\.test:\d+ answered 452: .*mailbox full/);
  });

  it('leaves out the words of a server at a private address', async () => {
    const fake = await startSmtp({
      onRcptTo: (_address, _session, done) => done(Object.assign(new Error('internal relay secrets'), { responseCode: 554 })),
    });
    const error = await failureOf(
      trusting.deliver(
        { alert: alertOf('down'), message: renderAlert(alertOf('down')), settings: settingsFor(fake) },
        context({ public: false }),
      ),
    );
    expect(error.message).toBe(`mail.test:${fake.port} answered 554`);
  });

  it('gives up on a server that never greets, worth a retry', async () => {
    const sockets = new Set<Socket>();
    const silent: TcpServer = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', () => listening()));
    servers.push({
      close: () =>
        new Promise<void>((closed) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => closed());
        }),
    });
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const error = await failureOf(
      trusting.deliver(
        {
          alert: alertOf('down'),
          message: renderAlert(alertOf('down')),
          settings: { host: 'mail.test', port, from: 'w@example.com', to: 'ops@example.com' },
        },
        context({ timeoutMs: 300 }),
      ),
    );
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(new RegExp(`^mail\\.test:${port} did not (answer within 300 ms|finish the conversation in time)`));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('connects only to a checked address: a name that resolves to a private one is never dialled', async () => {
    const error = await failureOf(
      trusting.deliver(
        {
          alert: alertOf('down'),
          message: renderAlert(alertOf('down')),
          settings: { host: 'inside.test', port: 25, from: 'w@example.com', to: 'ops@example.com' },
        },
        context({ allowPrivateTargets: false }),
      ),
    );
    expect(error.message).toBe('no connection made: inside.test resolves to a private or reserved address: 10.1.2.3 (private)');
  });

  it('refuses a loopback address without dialling it when private targets are not allowed', async () => {
    const fake = await startSmtp();
    const error = await failureOf(
      trusting.deliver(
        { alert: alertOf('down'), message: renderAlert(alertOf('down')), settings: settingsFor(fake, { host: '127.0.0.1' }) },
        context({ allowPrivateTargets: false, public: false }),
      ),
    );
    expect(error.message).toBe('no connection made: 127.0.0.1 is a private or reserved address (loopback)');
    expect(fake.connections).toBe(0);
  });
});

describe('smtpKind.checkSettings', () => {
  const allowAll = { checkAddress: async () => {} };
  const good: SmtpSettings = { host: 'smtp.example.com', port: 587, from: 'watchtower@example.com', to: 'ops@example.com' };

  it('accepts a server with or without a login, and one address or several', async () => {
    expect(await smtpKind.checkSettings(good, allowAll)).toBeNull();
    expect(await smtpKind.checkSettings({ ...good, secure: true, port: 465, user: 'u', password: 'p' }, allowAll)).toBeNull();
    expect(await smtpKind.checkSettings({ ...good, to: ['a@example.com', 'B <b@example.com>, c@example.com'] }, allowAll)).toBeNull();
    expect(await smtpKind.checkSettings({ ...good, host: '192.0.2.10', port: undefined }, allowAll)).toBeNull();
  });

  it.each([
    [{ host: 'smtp://smtp.example.com' }, /^host must be the SMTP server's host name, without a scheme or port/],
    [{ host: 'smtp.example.com:587' }, /^host must be the SMTP server's host name/],
    [{ host: '' }, /^host must be/],
    [{ port: 0 }, /^port must be a whole number from 1 to 65535/],
    [{ port: 587.5 }, /^port must be a whole number/],
    [{ secure: 'yes' }, /^secure must be true or false$/],
    [{ user: 'alerts' }, /^user and password go together: set both, or neither$/],
    [{ password: 'secret' }, /^user and password go together/],
    [{ from: 'watchtower' }, /^from must be one e-mail address/],
    [{ from: 'a@example.com, b@example.com' }, /^from must be one e-mail address/],
    [{ to: 'ops' }, /^to must be an e-mail address such as ops@example.com/],
    [{ to: [] }, /^to must be an e-mail address/],
    [{ to: ['ops@example.com', 7] }, /^to must be an e-mail address/],
    [{ to: Array.from({ length: 51 }, (_, i) => `o${i}@example.com`) }, /^to may name at most 50 addresses; received 51$/],
  ])('refuses %j with a clear message', async (change, message) => {
    expect(await smtpKind.checkSettings({ ...good, ...(change as Partial<SmtpSettings>) }, allowAll)).toMatch(message);
  });

  it('refuses a host the server may not connect to, checking the name and port it would dial', async () => {
    const checked: string[] = [];
    const check = async (url: URL) => {
      checked.push(`${url.hostname}:${url.port}`);
      await refusingCheck.checkAddress(url);
    };
    expect(await smtpKind.checkSettings({ ...good, host: 'mail.internal', port: undefined, secure: true }, { checkAddress: check })).toBe(
      'host: mail.internal is a private or reserved address (loopback)',
    );
    expect(checked).toEqual(['mail.internal:465']);
  });
});

describe('textOfHtml', () => {
  it('turns paragraphs and breaks into lines, drops tags and decodes entities', () => {
    expect(textOfHtml('<p><strong>a &amp; b</strong></p><p>x&#60;y&#x3e;z&nbsp;&quot;q&quot;</p><br/>end &unknown;')).toBe(
      'a & b\nx<y>z "q"\n\nend &unknown;',
    );
  });
});

describe('smtpFailure', () => {
  const attempt = { where: 'smtp.example.com:465', port: 465, secure: false, login: false, showWords: true, timeoutMs: 10_000 };

  it('says that port 465 wants TLS at once when a plain connection waited in vain', () => {
    expect(smtpFailure({ code: 'ETIMEDOUT', message: 'Greeting never received' }, attempt)).toMatchObject({
      message: 'smtp.example.com:465 did not answer within 10000 ms (port 465 usually wants TLS at once: secure true)',
      permanent: false,
    });
  });

  it('says that port 587 speaks STARTTLS when TLS at once met plain text', () => {
    const error = smtpFailure(
      { code: 'ESOCKET', message: 'SSL routines:ssl3_get_record:wrong version number' },
      { ...attempt, where: 'smtp.example.com:587', port: 587, secure: true },
    );
    expect(error.message).toBe(
      'TLS with smtp.example.com:587 failed (port 587 usually speaks STARTTLS: secure false): SSL routines:ssl3_get_record:wrong version number',
    );
  });

  it('keeps a refused connection worth a retry, and a missing login permanent', () => {
    expect(smtpFailure({ code: 'ECONNECTION', message: 'connect ECONNREFUSED 192.0.2.1:465' }, attempt)).toMatchObject({
      message: 'no answer from smtp.example.com:465: ECONNECTION: connect ECONNREFUSED 192.0.2.1:465',
      permanent: false,
    });
    expect(smtpFailure({ code: 'EAUTH', message: 'Missing credentials for "PLAIN"' }, attempt).permanent).toBe(true);
  });

  it('makes 5xx replies permanent and 4xx ones worth a retry', () => {
    expect(smtpFailure({ code: 'EENVELOPE', responseCode: 550, response: '550 no' }, attempt).permanent).toBe(true);
    expect(smtpFailure({ code: 'EENVELOPE', responseCode: 451, response: '451 greylisted' }, attempt)).toMatchObject({
      message: 'smtp.example.com:465 answered 451: 451 greylisted',
      permanent: false,
    });
  });
});
