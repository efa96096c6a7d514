// Every page type of the portal checked with axe-core in Debian's headless Chromium.
//
// Usage: node tests/browser/a11y.mjs BASE_URL PAGES_JSON OUTPUT_DIR
// tests/accessibility.rs serves the portal on 127.0.0.1 and writes PAGES_JSON:
//   { "accounts": { "member": { "password": … }, "admin": { "name": …, "password": … } },
//     "pages": [ { "name": "search-filtered", "account": "member", "path": "/search?…",
//                  "status": 200 }, … ] }
// ("account" is "anonymous", "member" or "admin"). For each page the script logs in through the
// login form as that account, opens the page, saves the HTML exactly as the server sent it to
// OUTPUT_DIR/NAME.html (for the Nu HTML checker, which the Rust test runs), runs every axe rule
// but the experimental ones, and writes what it found to OUTPUT_DIR/axe.json. It exits 0 when
// every page could be checked, whatever axe found (the Rust test judges), 1 otherwise.
//
// axe is evaluated through the DevTools protocol, which the portal's Content-Security-Policy
// (no scripts at all) does not apply to; the portal's own markup stays script-free.

import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 15_000;

const [base, pagesFile, outputDir] = process.argv.slice(2);
if (!base || !pagesFile || !outputDir) {
  console.error('usage: node a11y.mjs BASE_URL PAGES_JSON OUTPUT_DIR');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const { accounts, pages } = JSON.parse(await readFile(pagesFile, 'utf8'));
const url = (pathAndQuery) => new URL(pathAndQuery, base).href;

/** Logs in through the login page's forms, as a person would. */
async function logIn(page, account) {
  await page.goto(url('/login'));
  if (account === 'member') {
    const form = page.getByRole('region', { name: 'Delegations and organisations' });
    await form.getByLabel('Access password').fill(accounts.member.password);
    await form.getByRole('button', { name: 'Log in' }).click();
  } else {
    const form = page.getByRole('region', { name: 'ISU staff' });
    await form.getByLabel('Admin name').fill(accounts.admin.name);
    await form.getByLabel('Password').fill(accounts.admin.password);
    await form.getByRole('button', { name: 'Log in' }).click();
  }
  await page.waitForURL((u) => u.pathname !== '/login');
  await page.getByRole('banner').getByRole('button', { name: 'Log out' }).waitFor();
}

/** Opens one page, keeps its HTML, and returns axe's violations on it. */
async function check(page, { name, path: pagePath, status }) {
  const response = await page.goto(url(pagePath));
  if (!response) throw new Error(`${pagePath} gave no response`);
  if (response.status() !== status) {
    throw new Error(`${pagePath} answered ${response.status()}, expected ${status}`);
  }
  await writeFile(path.join(outputDir, `${name}.html`), await response.body());
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // Every rule axe has, except the experimental ones (axe's default).
    const run = await window.axe.run(document);
    const describe = (v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html,
        summary: n.failureSummary,
      })),
    });
    return {
      axe: run.testEngine.version,
      // How many rules applied and passed: proof that axe really ran on the page.
      passed: run.passes.length,
      violations: run.violations.map(describe),
      // What axe could not decide alone ("needs review"); listed, not counted as failures.
      incomplete: run.incomplete.map(describe),
    };
  });
}

async function main() {
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
  const report = [];
  try {
    for (const account of ['anonymous', 'member', 'admin']) {
      const ours = pages.filter((p) => p.account === account);
      if (ours.length === 0) continue;
      // JavaScript is on only so that axe can run; the portal's pages have none of their own.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      if (account !== 'anonymous') await logIn(page, account);
      for (const entry of ours) {
        const started = Date.now();
        try {
          const result = await check(page, entry);
          report.push({ page: entry.name, path: entry.path, ...result });
          console.log(
            `checked ${entry.name} as ${account} with axe ${result.axe}: ${result.passed} rules passed, ` +
              `${result.violations.length} violated, ${result.incomplete.length} to review ` +
              `(${Date.now() - started} ms)`,
          );
        } catch (error) {
          throw new Error(`page "${entry.name}" (${entry.path}) as ${account}: ${error.message}`);
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  await writeFile(path.join(outputDir, 'axe.json'), JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
