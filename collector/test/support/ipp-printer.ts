// Real IPP peer for tests: Debian's ippeveprinter (cups-ipp-utils) started as "HP DesignJet ...",
// jobs submitted with ipptool, and an HTTP proxy in front of it that decodes and records every IPP
// operation the collector sends, so a test can prove only read-only operations went out.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, listen } from '../../../simulator/src/http-server';
import { decodeMessage } from '../../src/adapters/ipp/codec';
import { ensureAvahi } from './avahi';

export const IPP_TOOLS_AVAILABLE =
  existsSync('/usr/sbin/ippeveprinter') || existsSync('/usr/bin/ippeveprinter');

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ippeveprinter did not open port ${port}`);
}

export class IppEvePrinter {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'pm-ippeve-'));
  log = '';

  constructor(
    readonly port: number,
    readonly model = 'DesignJet T830',
  ) {}

  async start(): Promise<void> {
    ensureAvahi();
    // The print command reports impressions and a low-ink state back to ippeveprinter.
    const command = join(this.dir, 'print-command.sh');
    writeFileSync(
      command,
      '#!/bin/sh\necho "ATTR: job-impressions=2 job-impressions-completed=2" >&2\necho "STATE: +marker-supply-low-warning" >&2\nexit 0\n',
    );
    chmodSync(command, 0o755);
    this.child = spawn(
      'ippeveprinter',
      [
        '-p',
        String(this.port),
        '-n',
        'localhost',
        '-M',
        'HP',
        '-m',
        this.model,
        '-f',
        'text/plain',
        '-c',
        command,
        '-d',
        this.dir,
        `HP ${this.model} ${this.port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    await waitForPort(this.port);
  }

  /** Submits a text job with ipptool (the test's own client, not the collector). */
  submitJob(name: string): void {
    const test = join(this.dir, 'print.test');
    writeFileSync(
      test,
      `{\n NAME "print"\n OPERATION Print-Job\n GROUP operation-attributes-tag\n ATTR charset attributes-charset utf-8\n ATTR language attributes-natural-language en\n ATTR uri printer-uri $uri\n ATTR name requesting-user-name anna\n ATTR name job-name $jobname\n ATTR mimeMediaType document-format text/plain\n FILE $filename\n STATUS successful-ok\n EXPECT job-id\n}\n`,
    );
    const doc = join(this.dir, 'doc.txt');
    writeFileSync(doc, 'plan A1\n');
    execFileSync(
      'ipptool',
      ['-t', '-d', `jobname=${name}`, '-f', doc, `ipp://localhost:${this.port}/ipp/print`, test],
      { stdio: 'pipe' },
    );
  }

  /** Waits until ippeveprinter lists `count` completed jobs. */
  async waitForCompleted(count: number, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const out = execFileSync(
        'ipptool',
        ['-tv', `ipp://localhost:${this.port}/ipp/print`, 'get-completed-jobs.test'],
        { encoding: 'utf8' },
      );
      const done = (out.match(/job-state \(enum\) = (completed|canceled|aborted)/g) ?? []).length;
      if (done >= count) return;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`fewer than ${count} completed jobs after ${timeoutMs} ms\n${this.log.slice(-2000)}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

/** An HTTP proxy in front of an IPP printer that records the operation id of every request. */
export class IppRecordingProxy {
  readonly operations: number[] = [];
  private server: http.Server | null = null;
  port = 0;

  constructor(
    readonly host: string,
    readonly upstreamPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        try {
          this.operations.push(decodeMessage(body).code);
        } catch {
          this.operations.push(-1); // undecodable: counts as a violation in the tests
        }
        const upstream = http.request(
          {
            host: '127.0.0.1',
            port: this.upstreamPort,
            path: req.url,
            method: req.method,
            headers: { ...req.headers, host: `localhost:${this.upstreamPort}` },
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        upstream.end(body);
      });
    });
    await listen(this.server, 0, this.host);
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await close(s);
  }
}
