// The portal end to end in Debian's headless Chromium, driven by playwright-core.
//
// Usage: node tests/browser/e2e.mjs BASE_URL MEMBER_PASSWORD NEED_ID OFFER_ID
// tests/browser.rs serves the portal on 127.0.0.1 with a catalogue in which NEED_ID is a need
// that OFFER_ID fits, and runs this script. Set PORTAL_SCREENSHOTS=DIR to keep full-page
// screenshots. JavaScript is off in the browser: the portal works without it, and must keep
// doing so. Exits 0 when every step passed, 1 with the failed step otherwise.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 15_000;

const [base, password, needId, offerId] = process.argv.slice(2);
if (!base || !password || !needId || !offerId) {
  console.error('usage: node e2e.mjs BASE_URL MEMBER_PASSWORD NEED_ID OFFER_ID');
  process.exit(2);
}
const screenshotDir = process.env.PORTAL_SCREENSHOTS || '';

/** Throws with a message that says what the user would have noticed. */
function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Anything wrong seen in the background: console errors, failed loads, other hosts. */
const problems = [];

function watch(context) {
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (/^https?:$/.test(url.protocol) && url.hostname !== '127.0.0.1') {
      problems.push(`a request went to another host: ${request.method()} ${request.url()}`);
    }
  });
  context.on('response', (response) => {
    // A form sent with errors answers 422 on purpose (the submission form's step).
    const refusedForm = response.status() === 422 && new URL(response.url()).pathname.startsWith('/submit');
    if (response.status() >= 400 && !refusedForm) {
      problems.push(`${response.request().method()} ${response.url()} answered ${response.status()}`);
    }
  });
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const source = message.location().url;
      // The portal has no favicon yet; Chromium asks for one on every page. (Reported.)
      if (source && new URL(source).pathname === '/favicon.ico') return;
      // Chromium logs the 422 of a form sent with errors, which the submission form's step
      // sends on purpose.
      if (source && new URL(source).pathname.startsWith('/submit') && message.text().includes('422')) {
        return;
      }
      problems.push(`console error on ${page.url()} (${source || 'no source'}): ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  });
}

async function screenshot(page, name) {
  if (!screenshotDir) return;
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

let stepNumber = 0;
let activePage = null;
async function step(name, work) {
  stepNumber += 1;
  const started = Date.now();
  try {
    await work();
    check(problems.length === 0, `problems in the background:\n  ${problems.join('\n  ')}`);
    // The portal has no scripts (its CSP forbids them); a page that grows one gets noticed here.
    check((await activePage.locator('script').count()) === 0, `${activePage.url()} has a <script>`);
  } catch (error) {
    throw new Error(`step ${stepNumber} "${name}" failed: ${error.message}`);
  }
  console.log(`ok ${stepNumber} ${name} (${Date.now() - started} ms)`);
}

const url = (pathAndQuery) => new URL(pathAndQuery, base).href;
const pathOf = (page) => new URL(page.url()).pathname;

async function textOf(locator) {
  return ((await locator.textContent()) ?? '').trim();
}

/** The value shown next to a field name in a definition list ("Submitted by" → the submitter). */
function field(page, name) {
  return page.locator(`xpath=//dt[normalize-space()="${name}"]/following-sibling::dd[1]`).first();
}

async function run(page) {
  await step('the landing page shows the portal and a way to log in', async () => {
    await page.goto(url('/'));
    const heading = await textOf(page.getByRole('heading', { level: 1 }));
    check(heading.includes('Cooperation Portal'), `the landing page's heading is "${heading}"`);
    await screenshot(page, 'landing');
    await page.getByRole('main').getByRole('link', { name: 'Log in', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/login');
  });

  await step('a member logs in with the access password and lands on the search page', async () => {
    check(
      (await textOf(page.getByRole('heading', { level: 1 }))) === 'Log in',
      'the login page has no "Log in" heading',
    );
    await screenshot(page, 'login');
    const memberForm = page.getByRole('region', { name: 'Delegations and organisations' });
    await memberForm.getByLabel('Access password').fill(password);
    await memberForm.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => u.pathname === '/search');
    await page.getByRole('banner').getByRole('button', { name: 'Log out' }).waitFor();
  });

  await step('a keyword search narrowed by kind and area of work', async () => {
    await page.getByLabel('Keywords').fill('clearance');
    await page.getByRole('search').getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'clearance');

    const filters = page.getByRole('form', { name: 'Filters' });
    await filters
      .getByRole('group', { name: 'Kind', exact: true })
      .getByRole('checkbox', { name: /^Offer\b/ })
      .check();
    await filters
      .getByRole('group', { name: 'Area of work', exact: true })
      .getByRole('checkbox', { name: /^Clearance and risk education\b/ })
      .check();
    // The panel has the button at its top and its bottom; either applies the whole form.
    await filters.getByRole('button', { name: 'Apply filters' }).first().click();
    await page.waitForURL((u) => u.searchParams.has('kind'));

    const params = new URL(page.url()).searchParams;
    check(params.get('q') === 'clearance', `the keywords were lost: ${page.url()}`);
    check(params.getAll('kind').join() === 'offer', `the kind filter is not in the URL: ${page.url()}`);
    check(
      params.getAll('area').join() === 'clearance-and-risk-education',
      `the area filter is not in the URL: ${page.url()}`,
    );
    check(
      (await page.getByLabel('Keywords').inputValue()) === 'clearance',
      'the keyword box no longer shows the keywords',
    );
    check(
      await filters.getByRole('checkbox', { name: /^Offer\b/ }).isChecked(),
      'the "Offer" box is not ticked after applying the filters',
    );
    for (const name of ['Remove filter Offer', 'Remove filter Clearance and risk education']) {
      await page.getByRole('link', { name }).waitFor();
    }

    const results = page.getByRole('region', { name: /results?$/ });
    const countText = await textOf(results.getByRole('heading', { level: 2 }));
    const count = Number(countText.replace(/[^0-9]/g, ''));
    check(/^[\d,]+ results?$/.test(countText) && count > 0, `the result count reads "${countText}"`);
    const hits = results.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3 }) });
    const shown = await hits.count();
    check(shown > 0 && shown <= count, `${shown} hits shown for "${countText}"`);
    const kinds = await hits.locator('.kind').allTextContents();
    check(
      kinds.length === shown && kinds.every((k) => k.trim() === 'Offer'),
      `not every hit is labelled "Offer": ${JSON.stringify(kinds)}`,
    );
    const highlighted = await results.locator('.snippet b').allTextContents();
    check(
      highlighted.some((word) => /clearanc/i.test(word)),
      `no snippet highlights the keyword: ${JSON.stringify(highlighted.slice(0, 5))}`,
    );
    await screenshot(page, 'search');
    if (screenshotDir) {
      const wide = page.viewportSize();
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'search-phone');
      await page.setViewportSize(wide);
    }
  });

  await step('"Skip to results" takes the keyboard past the filters to the first result', async () => {
    // The page as a keyboard user arrives on it: the focus at the top.
    await page.goto(page.url());
    const focused = page.locator(':focus');
    const describe = async () =>
      (await focused.count()) ? focused.evaluate((el) => el.outerHTML.slice(0, 120)) : 'nothing';
    let presses = 0;
    while (presses < 5) {
      await page.keyboard.press('Tab');
      presses += 1;
      if ((await focused.count()) && (await textOf(focused)) === 'Skip to results') break;
    }
    check(
      (await textOf(focused)) === 'Skip to results',
      `the first ${presses} Tab stops hold no "Skip to results" (the focus is on ${await describe()})`,
    );
    const box = await focused.boundingBox();
    check(
      box && box.x >= 0 && box.y >= 0 && box.width > 20 && box.height > 10,
      `"Skip to results" is not shown when it has the focus: ${JSON.stringify(box)}`,
    );
    await screenshot(page, 'skip-to-results');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const results = page.getByRole('region', { name: /results?$/ });
    const firstTitle = results
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { level: 3 }) })
      .first()
      .getByRole('heading', { level: 3 })
      .getByRole('link');
    check(
      await firstTitle.evaluate((el) => el === document.activeElement),
      `after "Skip to results", Enter and Tab the focus is on ${await describe()}, not on the first result`,
    );
    console.log(`  "Skip to results" is Tab stop ${presses}; the first result the next after it`);
  });

  await step('a hit opens its detail page with every field', async () => {
    const results = page.getByRole('region', { name: /results?$/ });
    const title = results.getByRole('heading', { level: 3 }).first().getByRole('link');
    const titleText = await textOf(title);
    const href = await title.getAttribute('href');
    await title.click();
    await page.waitForURL((u) => u.pathname === href);
    const heading = await textOf(page.getByRole('heading', { level: 1 }));
    check(heading === titleText, `clicked "${titleText}" but the page is headed "${heading}"`);
    for (const name of ['Submitted by', 'Countries concerned', 'Areas of work', 'Valid until', 'Contact']) {
      const value = await textOf(field(page, name));
      check(value.length > 0, `the detail page shows no "${name}"`);
    }
    const contact = field(page, 'Contact');
    check((await contact.getByRole('link').count()) > 0, 'the contact has no e-mail link');
    await screenshot(page, 'detail');
  });

  await step('a need lists the offers that fit it, and a match leads to the offer', async () => {
    await page.goto(url(`/submissions/${needId}`));
    const matchesHeading = page.getByRole('heading', {
      level: 2,
      name: 'Offers and funding sources that fit this need',
    });
    await matchesHeading.waitFor();
    const matches = page
      .locator('xpath=//h2[normalize-space()="Offers and funding sources that fit this need"]/following-sibling::ol[1]')
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { level: 3 }) });
    const matchCount = await matches.count();
    check(matchCount > 0, 'the need shows no matching offers');
    const links = matches.getByRole('heading', { level: 3 }).getByRole('link');
    const hrefs = [];
    for (let i = 0; i < matchCount; i += 1) hrefs.push(await links.nth(i).getAttribute('href'));
    check(
      hrefs.includes(`/submissions/${offerId}`),
      `the known offer ${offerId} is not among the matches: ${hrefs.join(', ')}`,
    );
    const reasons = await matches.first().getByRole('listitem').allTextContents();
    check(
      reasons.some((r) => r.trim().startsWith('Same area of work')),
      `the first match gives no "Same area of work" reason: ${JSON.stringify(reasons)}`,
    );
    await screenshot(page, 'need-with-matches');

    const first = matches.first().getByRole('heading', { level: 3 }).getByRole('link');
    const firstTitle = await textOf(first);
    const firstHref = await first.getAttribute('href');
    await first.click();
    await page.waitForURL((u) => u.pathname === firstHref);
    const heading = await textOf(page.getByRole('heading', { level: 1 }));
    check(heading === firstTitle, `followed "${firstTitle}" but the page is headed "${heading}"`);
    const kind = await textOf(page.locator('main .kind').first());
    check(['Offer', 'Funding source'].includes(kind), `the match is labelled "${kind}", not an offer`);
    await page.getByRole('heading', { level: 2, name: 'Needs this could serve' }).waitFor();
  });

  await step('the submission form works with the keyboard alone, its errors linked to their fields', async () => {
    await page.goto(url('/submit/need'));
    const focused = page.locator(':focus');
    const focusedAttribute = async (name) =>
      (await focused.count()) ? focused.getAttribute(name) : null;
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses += 1) {
      await page.keyboard.press('Tab');
      reached = (await focusedAttribute('id')) === 'title';
    }
    check(reached, 'Tab never reaches the "Title" field of the form');
    await page.keyboard.type('Sent with the keyboard');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const summary = page.locator('.error-summary');
    check(await summary.count() === 1, 'an incomplete form shows no error summary');
    let onLink = false;
    for (let presses = 0; presses < 20 && !onLink; presses += 1) {
      await page.keyboard.press('Tab');
      onLink = (await focusedAttribute('href')) === '#submitted-by';
    }
    check(onLink, 'Tab never reaches the summary\'s link to "Submitted by"');
    await page.keyboard.press('Enter');
    const target = await focusedAttribute('id');
    check(target === 'submitted-by', `the summary's link leaves the focus on ${target}`);
    check(
      (await page.locator('#title').inputValue()) === 'Sent with the keyboard',
      'the value typed was not kept',
    );
  });

  await step('logging out ends the session', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('banner').getByRole('link', { name: 'Log in' }).waitFor();
    await page.goto(url('/search'));
    check(pathOf(page) === '/login', `after logging out, /search shows ${page.url()}`);
    check(
      new URL(page.url()).searchParams.get('next') === '/search',
      `the login page does not lead back to the search: ${page.url()}`,
    );
    await page.getByLabel('Access password').waitFor();
  });
}

async function main() {
  if (screenshotDir) await mkdir(screenshotDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    watch(context);
    const page = await context.newPage();
    activePage = page;
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    await run(page);
    await context.close();
  } finally {
    await browser.close();
  }
}

main().then(
  () => console.log(`all ${stepNumber} steps passed`),
  (error) => {
    console.error(error.message);
    process.exitCode = 1;
  },
);
