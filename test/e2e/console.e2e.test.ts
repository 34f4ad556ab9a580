// The reseller console end to end in a real browser (Debian's chromium driven by playwright-core)
// against the real server (all roles) and simulated direct-connect printers: sign in, the fleet shows
// the printers, a high-severity alert raised by a printer reaches the board over the subscription, is
// acknowledged and assigned and its history shows who did it, a period is closed for every contract
// with its progress shown until done, the statement approved and its CSV downloaded, a jobs export
// downloaded, a contract's prices changed from a date (errors beside their fields first), a meter
// offset recorded on a printer, a technician cannot reach billing, and axe-core finds no serious accessibility violation on any main page. Its
// screenshots are the README's (docs/console/, refreshed by `npm run screenshots`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, SimClock } from '@plotmeter/simulator';
import { registerDemoPrinter, seedDemoTenant, type DemoTenant } from '../../src/cli/demo-seed';
import { untilListening } from '../alerts/ws';
import { eventually, startTestApp, type TestApp } from '../support/app';

const ROOT = path.resolve(__dirname, '../..');
const CONSOLE = path.join(ROOT, 'console');
// `npm run screenshots` writes them into docs/console/ (shown in the README); a plain test run keeps them
// out of the working tree.
const SHOTS = process.env.CONSOLE_SCREENSHOTS_DIR
  ? path.resolve(ROOT, process.env.CONSOLE_SCREENSHOTS_DIR)
  : path.join(tmpdir(), 'plotmeter-console-screenshots');
const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

if (!CHROMIUM) {
  console.warn(
    'console e2e test SKIPPED: no chromium found (set CHROMIUM_PATH or run scripts/install-test-deps.sh)',
  );
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'gql' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the console when dist/ is missing or older than its sources (a fresh clone in CI). */
function ensureConsoleBuilt(): void {
  const index = path.join(CONSOLE, 'dist/index.html');
  const sources = Math.max(
    newestMtime(path.join(CONSOLE, 'src')),
    statSync(path.join(CONSOLE, 'index.html')).mtimeMs,
    statSync(path.join(ROOT, 'schema.graphql')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build', '--silent', '-w', 'console'], { cwd: ROOT, stdio: 'pipe' });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

// Each step walks several pages in a real browser while the rest of the suite shares the machine's
// cores: the default 30 s per test is too short under load (the tablet walk loads nine pages).
describe.skipIf(!CHROMIUM)('reseller console in a browser', { timeout: 120_000 }, () => {
  let app: TestApp;
  let tenant: DemoTenant;
  let fleet: Fleet;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  let serials: string[] = [];

  /** Runs axe-core in the page (evaluated through the debugging protocol, so the CSP stays strict). */
  async function expectAccessible(name: string): Promise<void> {
    await page.evaluate(AXE_SOURCE);
    // A string, because this file is compiled without the DOM library; it runs in the page.
    const violations = await page.evaluate<AxeViolation[]>(`axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
  }

  /** The top of the page, at most 1600 px tall (the README shows them; long lists add nothing). */
  async function screenshot(name: string): Promise<void> {
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    await page.screenshot({
      path: path.join(SHOTS, `${name}.png`),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1366, height: Math.min(height, 1600) },
    });
  }

  async function signIn(email: string, password: string): Promise<void> {
    await page.goto(`${app.url}/`);
    await page.waitForURL('**/login**');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp();
    tenant = await seedDemoTenant(app.services.orm.em.fork());
    let registered = 0;
    fleet = new Fleet({
      clock: new SimClock({ scale: 60 }),
      seed: 11,
      direct: {
        count: 6,
        serverUrl: app.url,
        credentialFor: (p) =>
          registerDemoPrinter(app.services.orm.em.fork(), app.services.secrets, tenant, registered++, {
            serialNumber: p.serialNumber,
            productNumber: p.model.productNumber,
            productName: p.model.productName,
          }),
      },
      historyHours: 6,
      faultEveryHours: 0,
      boardSwapAfterHours: null,
      log: () => undefined,
    });
    await fleet.start();
    serials = fleet.allPrinters().map((p) => p.serialNumber);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    context = await browser.newContext({
      viewport: { width: 1366, height: 860 },
      locale: 'en-US',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A CSP violation shows up as a console error; the console must need nothing the policy forbids.
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        pageErrors.push(message.text());
    });
  }, 240_000);

  // A failed step says where the browser was and what it showed: a CI log is all there is to go on.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !page) return;
    const text = await page
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch((error: unknown) => `(no text: ${String(error)})`);
    console.error(
      `[console e2e] "${context.task.name}" failed at ${page.url()}; page errors: ${JSON.stringify(pageErrors)}\n${text.slice(0, 2_000)}`,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await app?.close();
  });

  it('signs an admin in and shows the simulated fleet', async () => {
    await signIn(tenant.consoleUsers.adminEmail, tenant.consoleUsers.password);
    await page.waitForURL('**/fleet');
    // Every simulated printer is listed once its boot report is in.
    for (const serial of serials) {
      await page.getByRole('link', { name: serial, exact: true }).waitFor({ timeout: 30_000 });
    }
    expect(await page.locator('table.data tbody tr').count()).toBe(serials.length);
    await expect.poll(() => page.locator('.tile-value').first().textContent()).toBe(String(serials.length));
    await expectAccessible('fleet');
    await screenshot('fleet');

    // Search narrows the list to one serial.
    await page.getByLabel('Search').fill(serials[0]!);
    await expect.poll(() => page.locator('table.data tbody tr').count()).toBe(1);
    expect(page.url()).toContain(`q=${serials[0]}`);
  });

  it('shows a printer with consumables and jobs', async () => {
    await page.getByRole('link', { name: serials[0]!, exact: true }).click();
    await page.getByRole('heading', { name: 'Cartridges' }).waitFor();
    await page
      .locator('#cartridges ~ .table-wrap meter, section[aria-labelledby="cartridges"] meter')
      .first()
      .waitFor();
    await page.locator('section[aria-labelledby="jobs"] table tbody tr').first().waitFor({ timeout: 20_000 });
    await page
      .locator('section[aria-labelledby="usage"] .recharts-surface, section[aria-labelledby="usage"] .state')
      .first()
      .waitFor();
    await expectAccessible('printer');
    await screenshot('printer');

    // Meter readings with their counters, and a meter offset recorded through the form: a bad count is
    // named beside its field before any round trip, a good one is listed.
    await page
      .locator('section[aria-labelledby="readings"] table tbody tr')
      .first()
      .waitFor({ timeout: 20_000 });
    const offsets = page.locator('section[aria-labelledby="offsets"]');
    await offsets.getByText('No meter offsets recorded', { exact: false }).waitFor();
    await offsets.getByText('Record a meter offset', { exact: true }).click();
    const form = offsets.getByRole('form', { name: 'Record a meter offset' });
    const count = form.getByLabel('Starting count on the new board');
    await count.fill('12.5.1');
    const hourAgo = new Date(Date.now() - 3600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await form
      .getByLabel(/^Board swapped at/)
      .fill(
        `${hourAgo.getFullYear()}-${pad(hourAgo.getMonth() + 1)}-${pad(hourAgo.getDate())}T${pad(hourAgo.getHours())}:${pad(hourAgo.getMinutes())}`,
      );
    await form.getByRole('button', { name: 'Record offset' }).click();
    await form.getByText(/is not a plain decimal number/).waitFor();
    expect(await count.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible('printer with a form error');
    await count.fill('1250');
    await form.getByRole('button', { name: 'Record offset' }).click();
    await offsets.getByRole('cell', { name: '1,250', exact: true }).waitFor();
    await offsets.getByRole('cell', { name: 'Pages', exact: true }).waitFor();
  });

  it('shows a high-severity alert from a printer live on the board and acknowledges it', async () => {
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.waitForURL('**/alerts');
    await page.getByText('Live', { exact: true }).waitFor();
    // The board's alertRaised subscription (the only one in the console) is registered on the server
    // before the printer raises the alert.
    await untilListening(app, tenant.resellerId, 'raised', 1);

    const victim = serials[1]!;
    const { code } = fleet.injectFault('printhead', victim);
    const item = page.getByRole('listitem', { name: `${code} on ${victim}` });
    await item.waitFor({ timeout: 15_000 });
    // The banner comes from the subscription event itself, not from a refetch.
    await expect.poll(() => page.locator('.banner').textContent(), { timeout: 15_000 }).toContain(victim);
    expect(await item.locator('.badge').first().textContent()).toMatch(/error|critical/);

    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await item.getByText('acknowledged', { exact: true }).waitFor();
    const stored = await eventually(async () => {
      const res = await app.gql<{ alerts: { edges: Array<{ node: { status: string; code: string } }> } }>(
        `query ($code: String) { alerts(filter: { code: $code }, first: 5) { edges { node { status code } } } }`,
        { code },
        tenant.apiKey,
      );
      return res.data?.alerts.edges.find((e) => e.node.status === 'ACKNOWLEDGED');
    });
    expect(stored.node.code).toBe(code);

    // Assign it to myself (listed first), then read who did what in its history.
    await item.getByLabel(`Assign ${code} on ${victim}`).selectOption({ index: 1 });
    await item.getByText('assigned to you', { exact: true }).waitFor();
    await item.getByText(/^History/).click();
    await item.getByText(/Acknowledged by you/).waitFor();
    await item.getByText(/Assigned to you by you/).waitFor();
    await item.getByText(/Raised by the printer/).waitFor();
    await expectAccessible('alerts');
    await screenshot('alerts');
  });

  it('closes a period, approves the statement and downloads its CSV', async () => {
    await page.getByRole('link', { name: 'Billing', exact: true }).click();
    await page.getByRole('heading', { name: 'Close a period' }).waitFor();
    // Every contract of the period, closed in the background with a progress bar until done.
    await page.getByRole('button', { name: 'Close period' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Closed \d{4}-/ })
      .waitFor({ timeout: 60_000 });
    const bar = page.locator('.run-progress progress');
    expect(await bar.getAttribute('value')).toBe(await bar.getAttribute('max'));
    const review = page.getByRole('link', { name: /^Review the statement/ }).first();
    await review.waitFor();
    await expectAccessible('billing');
    await review.click();
    await page.waitForURL('**/billing/statements/**');
    const statementId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'Lines' }).waitFor();
    const acceptIncomplete = page.getByLabel(/Approve although/);
    if (await acceptIncomplete.count()) await acceptIncomplete.check();
    await page.getByRole('button', { name: 'Approve statement' }).click();
    await page.locator('.page-head .badge', { hasText: 'approved' }).waitFor();
    await page.getByRole('button', { name: 'Show readings and jobs' }).click();
    await page.locator('.trace details').first().waitFor();
    await expectAccessible('statement');
    await screenshot('statement');

    const period = (await page.getByRole('heading', { level: 1 }).textContent())!.match(
      /\d{4}-(\d{2}|Q\d)/,
    )![0];
    await page.goto(`${app.url}/billing?tab=export`);
    await page.getByLabel('Period').fill(period);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`statements-${period}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    const ours = rows.filter((r) => r.statement_id === statementId);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((r) => r.statement_status === 'APPROVED')).toBe(true);
    const billed = await app.gql<{ statement: { customerId: string } }>(
      'query ($id: ID!) { statement(id: $id) { customerId } }',
      { id: statementId },
      tenant.apiKey,
    );
    const customer = await app.gql<{ customer: { externalRef: string } }>(
      'query ($id: ID!) { customer(id: $id) { externalRef } }',
      { id: billed.data!.statement.customerId },
      tenant.apiKey,
    );
    expect(ours[0]!.customer_external_ref).toBe(customer.data!.customer.externalRef);
    expect(ours[0]!.customer_external_ref).toMatch(/^ERP-\d+$/);

    // The jobs export of yesterday and today, from the same tab: the public export route's file.
    const data = page.getByRole('region', { name: 'Jobs and usage' });
    await data.getByLabel('Span').selectOption('range');
    const today = new Date();
    await data.getByLabel('From').fill(new Date(today.getTime() - 86_400_000).toISOString().slice(0, 10));
    await data.getByLabel('To (inclusive)').fill(today.toISOString().slice(0, 10));
    const [jobsFile] = await Promise.all([
      page.waitForEvent('download'),
      data.getByRole('button', { name: 'Download jobs' }).click(),
    ]);
    expect(jobsFile.suggestedFilename()).toMatch(/^jobs-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const jobs = parse(readFileSync((await jobsFile.path())!, 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(jobs.length).toBeGreaterThan(0);
    expect(serials).toContain(jobs[0]!.serial_number);
    await expectAccessible('export');

    // Contracts: new prices from a date. A malformed price is named beside its field before the round
    // trip; a date the API refuses (before the contract starts) is named beside the date field; the
    // default date (next month) is taken and the replaced prices are kept as earlier prices.
    await page.goto(`${app.url}/billing?tab=contracts`);
    const card = page.getByRole('region', { name: /^Contoso pay-per-use/ });
    await card.getByRole('button', { name: 'Change prices' }).click();
    const prices = card.getByRole('form', { name: /^New prices for/ });
    const price = prices.getByLabel('Price per unit', { exact: true }).first();
    await price.fill('1,5');
    await prices.getByRole('button', { name: 'Save new prices' }).click();
    await prices.getByText(/"1,5" is not a plain decimal number/).waitFor();
    expect(await price.getAttribute('aria-invalid')).toBe('true');
    await price.fill('2.5');
    const effective = prices.getByLabel(/^In force from/);
    const nextMonth = await effective.inputValue();
    await effective.fill('2020-01-01');
    await prices.getByRole('button', { name: 'Save new prices' }).click();
    await prices.getByText(/effectiveFrom must lie after the contract start/).waitFor();
    expect(await effective.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible('contracts with errors');
    await effective.fill(nextMonth);
    await prices.getByRole('button', { name: 'Save new prices' }).click();
    await card.getByText(/^Earlier prices \(\d+\)$/).waitFor();
    await card
      .getByRole('cell', { name: /2\.5|0\.025/ })
      .first()
      .waitFor();
    await screenshot('contracts');
    await page.goto(`${app.url}/billing`);
    await page.locator('table.data tbody tr').first().waitFor();
    await screenshot('billing');
  });

  it('passes the accessibility check on customers and administration', async () => {
    await page.goto(`${app.url}/customers`);
    await page.getByRole('link', { name: 'Contoso Engineering' }).waitFor();
    await expectAccessible('customers');
    await screenshot('customers');
    await page.getByRole('link', { name: 'Contoso Engineering' }).click();
    await page.getByRole('heading', { name: /^Printers/ }).waitFor();
    await expectAccessible('customer');
    await screenshot('customer');
    await page.goto(`${app.url}/admin`);
    await page.getByRole('cell', { name: tenant.consoleUsers.technicianEmail }).waitFor();
    await expectAccessible('admin');
    await screenshot('admin');

    // Notifications: an alert mail rule made through the form is stored and listed.
    await page.goto(`${app.url}/admin?tab=notifications`);
    const form = page.getByRole('form', { name: 'New alert mail rule' });
    await form.getByLabel('Name').fill('Jams to service');
    await form.getByLabel('At least').selectOption('CRITICAL');
    await form.getByLabel('Recipients').fill('service@example.com, not-an-address');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.getByRole('alert').filter({ hasText: 'Not an e-mail address: not-an-address' }).waitFor();
    await form.getByLabel('Recipients').fill('service@example.com');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('region', { name: 'Rule Jams to service' });
    await rule.waitFor();
    expect(await rule.textContent()).toContain('critical and above');
    expect(await rule.textContent()).toContain('service@example.com');
    await expectAccessible('notifications');
  });

  it('fits a tablet: no main page scrolls sideways at 820 px (wide tables scroll in their own box)', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    // Each address is loaded afresh (a reload). The walk checks that it shows that page, signed in:
    // the sign-in page also has an h1, no spinner and no overflow, so a session lost on the way (a reload
    // used to spend the one-time refresh token, and losing the renewal's answer signed the user out)
    // would otherwise pass here unnoticed and fail only later, far from its cause.
    const signOut = page.getByRole('button', { name: 'Sign out' });
    /** The page is the one asked for, signed in, its data loaded, and no wider than the screen. */
    async function expectFits(what: string, heading: string | RegExp): Promise<void> {
      await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15_000 });
      await expect.poll(() => page.locator('.state[role="status"]').count(), { timeout: 15_000 }).toBe(0);
      expect(await signOut.isVisible(), `${what}: signed out (at ${page.url()})`).toBe(true);
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `${what} is ${overflow} px wider than the screen`).toBeLessThanOrEqual(0);
    }
    try {
      for (const [url, heading] of [
        ['/fleet', 'Fleet'],
        ['/alerts', 'Alerts'],
        ['/customers', 'Customers'],
        ['/billing', 'Billing'],
        ['/billing?tab=contracts', 'Billing'],
        ['/billing?tab=export', 'Billing'],
        ['/billing?tab=chargeback', 'Billing'],
        ['/admin', 'Administration'],
      ] as const) {
        await page.goto(`${app.url}${url}`);
        await expectFits(url, heading);
      }
      await page.goto(`${app.url}/fleet`);
      await page.getByRole('link', { name: serials[0]!, exact: true }).click({ timeout: 15_000 });
      await page.getByRole('heading', { name: 'Meter readings' }).waitFor();
      await expectFits('the printer page', serials[0]!);
    } finally {
      await page.setViewportSize({ width: 1366, height: 860 });
    }
  });

  it('keeps a technician out of billing', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login**');
    await signIn(tenant.consoleUsers.technicianEmail, tenant.consoleUsers.password);
    await page.waitForURL('**/alerts');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Alerts' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Billing' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.goto(`${app.url}/billing`);
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    expect(await page.getByRole('button', { name: 'Close period' }).count()).toBe(0);
    await page.goto(`${app.url}/login`);
    // Signed in already: the login page sends the technician home.
    await page.waitForURL('**/alerts');
    expect(pageErrors).toEqual([]);
  });
});
