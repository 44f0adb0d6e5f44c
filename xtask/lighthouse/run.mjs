// `cargo xtask lighthouse`: Lighthouse on the running app, as a rep's phone sees it.
//
// Launches Debian's Chromium through puppeteer-core (which downloads no browser), runs
// Lighthouse (mobile form factor, its default simulated slow 4G) on the sign-in page in a
// fresh profile, then signs in through the sign-in page as the demo sales rep and runs it
// on the search page and on one of the rep's own customers, in the same tab: the session
// lives in the tab's sessionStorage, which Lighthouse's storage reset leaves alone (it
// clears the HTTP cache, service workers and Cache Storage), so the signed-in pages load
// cold yet signed in. Writes each page's full report (JSON and HTML) and `summary.json`
// into the output folder; xtask prints the table from the summary.
//
// usage: node run.mjs <app url> <output folder> [full|accessibility]
// xtask copies this file next to the node_modules holding the pinned packages and runs it
// there (bare imports resolve from the script's folder).

import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [base, out, mode = 'full'] = process.argv.slice(2);
if (!base || !out || !['full', 'accessibility'].includes(mode)) {
  console.error('usage: node run.mjs <app url> <output folder> [full|accessibility]');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const USER = { username: 'sales', password: 'demo' };
const categories =
  mode === 'full' ? ['performance', 'accessibility', 'best-practices'] : ['accessibility'];

/** One of the demo rep's own customers (the list answers a rep only theirs). */
async function ownCustomer() {
  const signin = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(USER),
  });
  if (!signin.ok) throw new Error(`POST /auth/token answered ${signin.status}`);
  const { access_token: token } = await signin.json();
  const list = await fetch(`${base}/v1/customers?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!list.ok) throw new Error(`GET /v1/customers answered ${list.status}`);
  const number = (await list.json()).items?.[0]?.number;
  if (!number) throw new Error(`the demo rep ${USER.username} has no customers`);
  return number;
}

/** Signs in as a person does: the app's /signin sends the tab to the issuer's form. */
async function signIn(page) {
  const visible = { visible: true, timeout: 60_000 };
  await page.goto(`${base}/signin`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="signin-username"]', visible);
  await page.type('[data-testid="signin-username"]', USER.username);
  await page.type('[data-testid="signin-password"]', USER.password);
  await Promise.all([
    page.waitForNavigation({ timeout: 60_000 }),
    page.click('[data-testid="signin-submit"]'),
  ]);
  await page.waitForSelector('[data-testid="search-input"]', visible);
}

/** The failing audits of a category, with the elements they name. */
function failing(lhr, category) {
  return lhr.categories[category].auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => lhr.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1)
    .map((audit) => ({
      id: audit.id,
      title: audit.title,
      score: audit.score,
      items: (audit.details?.items ?? []).slice(0, 20).map((item) => ({
        selector: item.node?.selector ?? null,
        snippet: item.node?.snippet ?? null,
        explanation: item.node?.explanation ?? item.description ?? null,
        url: typeof item.url === 'string' ? item.url : null,
      })),
    }));
}

/** Lighthouse on `path`; a signed-in page that ends elsewhere lost the session. */
async function audit(page, name, path, { signedIn = false } = {}) {
  const url = `${base}${path}`;
  const started = Date.now();
  const result = await lighthouse(
    url,
    { logLevel: 'error', output: ['json', 'html'], onlyCategories: categories },
    undefined,
    page,
  );
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr, report } = result;
  const landed = new URL(lhr.finalDisplayedUrl).pathname;
  if (signedIn && landed !== path) {
    throw new Error(`${url} ended at ${lhr.finalDisplayedUrl}: the session did not survive`);
  }
  await writeFile(join(out, `${name}.report.json`), report[0]);
  await writeFile(join(out, `${name}.report.html`), report[1]);
  const score = (id) =>
    lhr.categories[id]?.score == null ? null : Math.round(lhr.categories[id].score * 100);
  const value = (id) => lhr.audits[id]?.numericValue ?? null;
  const line = {
    page: name,
    url,
    final_url: lhr.finalDisplayedUrl,
    seconds: (Date.now() - started) / 1000,
    performance: score('performance'),
    accessibility: score('accessibility'),
    best_practices: score('best-practices'),
    fcp_ms: value('first-contentful-paint'),
    lcp_ms: value('largest-contentful-paint'),
    tbt_ms: value('total-blocking-time'),
    cls: value('cumulative-layout-shift'),
    speed_index_ms: value('speed-index'),
    total_bytes: value('total-byte-weight'),
    runtime_error: lhr.runtimeError?.message ?? null,
    warnings: lhr.runWarnings,
    failing: Object.fromEntries(categories.map((c) => [c, failing(lhr, c)])),
  };
  console.log(
    `${name}: ${categories.map((c) => `${c} ${score(c)}`).join(', ')} (${line.seconds.toFixed(0)} s, ${lhr.finalDisplayedUrl})`,
  );
  return { line, lhr };
}

const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  defaultViewport: null,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--disable-sync'],
});
try {
  // Timing scores follow the machine's load (the CPU slowdown is simulated on top of it).
  const loadBefore = loadavg()[0];
  const customer = await ownCustomer();
  const pages = [];
  let lighthouseVersion = null;
  let userAgent = null;

  // Signed out, in a profile of its own: nothing stored, nothing cached.
  const fresh = await browser.createBrowserContext();
  {
    const { line, lhr } = await audit(await fresh.newPage(), 'signin', '/signin');
    pages.push(line);
    lighthouseVersion = lhr.lighthouseVersion;
    userAgent = lhr.environment.hostUserAgent;
  }
  await fresh.close();

  // Signed in, in one tab (the session is the tab's).
  const tab = await (await browser.createBrowserContext()).newPage();
  await signIn(tab);
  pages.push((await audit(tab, 'search', '/', { signedIn: true })).line);
  const card = `/customers/${encodeURIComponent(customer)}`;
  pages.push((await audit(tab, 'customer', card, { signedIn: true })).line);

  const summary = {
    mode,
    lighthouse: lighthouseVersion,
    browser: userAgent,
    form_factor: 'mobile',
    throttling: 'simulated slow 4G (Lighthouse default: 150 ms RTT, 1.6 Mbps down, 4x CPU slowdown)',
    load_average: { before: loadBefore, after: loadavg()[0] },
    user: USER.username,
    customer,
    pages,
  };
  await writeFile(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
} finally {
  await browser.close();
}
