// Every page type of the portal checked with axe-core in Debian's headless Chromium.
//
// Usage: node tests/browser/a11y.mjs BASE_URL PAGES_JSON OUTPUT_DIR
// tests/accessibility.rs serves the portal on 127.0.0.1 and writes PAGES_JSON:
//   { "accounts": { "member": { "password": … }, "admin": { "name": …, "password": … } },
//     "pages": [ { "name": "search-filtered", "account": "member", "path": "/search?…",
//                  "status": 200 }, … ] }
// (a page may add "submit": { "button": …, "fill": { label: text } } to be checked after
// sending its form so filled in: a form's error state)
// ("account" is "anonymous", "member" or "admin"). For each page the script logs in through the
// login form as that account, opens the page, saves the HTML exactly as the server sent it to
// OUTPUT_DIR/NAME.html (for the Nu HTML checker, which the Rust test runs), runs every axe rule
// but the experimental ones, and writes what it found to OUTPUT_DIR/axe.json. It exits 0 when
// every page could be checked, whatever axe found (the Rust test judges), 1 otherwise.
//
// Each page is also laid out at a desk's width (1280 px) and a phone's (390 px), and what a
// person would notice is listed under "layout" in axe.json: a page that scrolls sideways, a
// header band narrower than the page, a header on more than one row at 1280 px, chart labels
// smaller than 11 px as rendered, a date broken across two lines, and (at 1280 px, tabbing
// through the page) a focus indicator without 3:1 contrast against what surrounds it. With
// PORTAL_SCREENSHOTS=DIR (or PORTAL_A11Y_KEEP, into OUTPUT_DIR) full-page screenshots of every
// page at both widths are saved as NAME-1280.png and NAME-390.png.
//
// axe is evaluated through the DevTools protocol, which the portal's Content-Security-Policy
// (no scripts at all) does not apply to; the portal's own markup stays script-free.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
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
const screenshotDir =
  process.env.PORTAL_SCREENSHOTS || (process.env.PORTAL_A11Y_KEEP ? outputDir : '');
/** The widths every page is laid out at: a desk's and a phone's. */
const DESK = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The smallest a chart's label may be as rendered, in CSS pixels. */
const SMALLEST_LABEL_PX = 11;
/** How many Tab presses the focus check makes on each page at most. */
const TAB_STOPS = 60;

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

/**
 * What is wrong with the page's layout at the current width, in the browser: sideways
 * scrolling, the header band, the header's rows (when `oneRowHeader`), chart labels, dates.
 */
function layoutProblems({ oneRowHeader, smallestLabel }) {
  const problems = [];
  const doc = document.documentElement;
  const width = window.innerWidth;
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += `#${el.id}`;
    const classes = typeof el.className === 'string' ? el.className.trim() : '';
    if (classes) text += `.${classes.split(/\s+/).join('.')}`;
    const words = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return words ? `${text} "${words}"` : text;
  };
  if (doc.scrollWidth > width) {
    // The elements that stick out of a parent that does not: where the overflow starts.
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => {
        const right = el.getBoundingClientRect().right;
        const parent = el.parentElement?.getBoundingClientRect().right ?? 0;
        return right > width + 0.5 && parent <= width + 0.5;
      })
      .slice(0, 5)
      .map((el) => `${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`);
    problems.push(
      `scrolls sideways: the page is ${doc.scrollWidth} px wide in a ${width} px window` +
        (culprits.length ? ` (${culprits.join('; ')})` : ''),
    );
  }
  const header = document.querySelector('header.site');
  if (!header) {
    problems.push('no header band');
  } else {
    const band = header.getBoundingClientRect();
    const pageWidth = Math.max(doc.scrollWidth, width);
    if (band.left > 0.5 || band.right < pageWidth - 0.5) {
      problems.push(
        `the header band spans ${Math.round(band.left)}-${Math.round(band.right)} px of a ${pageWidth} px page`,
      );
    }
    if (oneRowHeader) {
      const parts = [
        header.querySelector('.brand'),
        ...header.querySelectorAll('nav li'),
        ...header.querySelectorAll('button'),
      ].filter(Boolean);
      const middles = parts.map((el) => {
        const r = el.getBoundingClientRect();
        return (r.top + r.bottom) / 2;
      });
      if (Math.max(...middles) - Math.min(...middles) > 6) {
        const rows = new Set(middles.map((m) => Math.round(m / 10))).size;
        const last = parts[middles.indexOf(Math.max(...middles))];
        problems.push(`the header takes ${rows} rows ("${last.textContent.trim()}" is on a lower one)`);
      }
    }
  }
  let smallest = Infinity;
  let smallestText = '';
  for (const text of document.querySelectorAll('svg text')) {
    if (text.getClientRects().length === 0) continue; // not drawn (a hidden version of a chart)
    const ctm = text.getScreenCTM();
    if (!ctm) continue;
    const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(ctm.a, ctm.b);
    if (size < smallest) {
      smallest = size;
      smallestText = text.textContent.trim();
    }
  }
  if (smallest < smallestLabel) {
    problems.push(`a chart's labels are ${smallest.toFixed(1)} px high as drawn ("${smallestText}")`);
  }
  // A date on two lines ("2026-11-" then "16") is misread; every date stays on one.
  const months = 'January|February|March|April|May|June|July|August|September|October|November|December';
  const dates = new RegExp(`\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2} (?:${months}) \\d{4}\\b`, 'g');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(dates)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top / 4)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  if (broken.length) {
    problems.push(`${broken.length} dates break across lines, e.g. "${broken[0]}"`);
  }
  return problems;
}

/**
 * The element that has the focus, and whether its focus indicator (outline and box-shadow
 * rings) has 3:1 contrast (WCAG 2.1, 1.4.11) against the background around it, and against its
 * own background when it has one; null when the focus is on nothing.
 */
function focusedRing() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rgb = (text) =>
    [...text.matchAll(/rgba?\(([^)]+)\)/g)]
      .map((m) => m[1].split(/[\s,/]+/).filter(Boolean).map(Number))
      .filter((c) => c.length < 4 || c[3] > 0)
      .map((c) => c.slice(0, 3));
  const luminance = (c) => {
    const [r, g, b] = c.map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const background = (from) => {
    for (let node = from; node && node.nodeType === 1; node = node.parentElement) {
      const [colour] = rgb(getComputedStyle(node).backgroundColor);
      if (colour) return colour;
    }
    return [255, 255, 255];
  };
  const style = getComputedStyle(el);
  const ring = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1) {
    ring.push(...rgb(style.outlineColor));
  }
  if (style.boxShadow && style.boxShadow !== 'none') ring.push(...rgb(style.boxShadow));
  let name = el.tagName.toLowerCase();
  if (el.id) name += `#${el.id}`;
  const words = (el.textContent || el.getAttribute('aria-label') || el.value || '')
    .trim()
    .replace(/\s+/g, ' ')
    .slice(0, 40);
  if (words) name += ` "${words}"`;
  // Where it is in the document, so that coming back to the first stop ends the round.
  const path = [];
  for (let node = el; node.parentElement; node = node.parentElement) {
    path.push([...node.parentElement.children].indexOf(node));
  }
  const result = { key: path.join('.'), name, problem: null };
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  if (ring.length === 0) {
    result.problem = `${name} shows no focus indicator`;
    return result;
  }
  const best = (against) => Math.max(...ring.map((c) => contrast(c, against)));
  const around = background(el.parentElement);
  const [own] = rgb(style.backgroundColor);
  for (const [where, colour] of [['around it', around], ['inside it', own]]) {
    if (!colour) continue;
    const ratio = best(colour);
    if (ratio < 3) {
      result.problem =
        `${name}: the focus indicator (${ring.map(hex).join(', ')}) has ${ratio.toFixed(2)}:1 ` +
        `contrast with ${hex(colour)} ${where}`;
      return result;
    }
  }
  return result;
}

/** Tabs through the page from its top and lists the focus indicators that are too faint. */
async function focusProblems(page) {
  await page.evaluate(() => {
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    window.scrollTo(0, 0);
  });
  const problems = [];
  const seen = new Set();
  for (let stop = 0; stop < TAB_STOPS; stop += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(focusedRing);
    if (!focused || seen.has(focused.key)) break;
    seen.add(focused.key);
    if (focused.problem) problems.push(focused.problem);
  }
  return [...new Set(problems)];
}

/** Lays the page out at both widths, keeps screenshots when asked, and lists the problems. */
async function checkLayout(page, name) {
  const problems = [];
  for (const size of [DESK, PHONE]) {
    await page.setViewportSize(size);
    const found = await page.evaluate(layoutProblems, {
      oneRowHeader: size === DESK,
      smallestLabel: SMALLEST_LABEL_PX,
    });
    if (size === DESK) found.push(...(await focusProblems(page)));
    problems.push(...found.map((p) => `at ${size.width} px: ${p}`));
    if (screenshotDir) {
      await page.screenshot({
        path: path.join(screenshotDir, `${name}-${size.width}.png`),
        fullPage: true,
      });
    }
  }
  await page.setViewportSize(DESK);
  return problems;
}

/** Opens one page, keeps its HTML, and returns axe's violations on it. */
async function check(page, { name, path: pagePath, status, submit, send }) {
  let response = await page.goto(url(pagePath));
  // A form's error state: the page is filled in as given (label → text) and sent with the
  // named button, and the answer is the page checked.
  if (submit && response) {
    for (const [label, text] of Object.entries(submit.fill || {})) {
      await page.getByLabel(label, { exact: false }).first().fill(text);
    }
    [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: submit.button }).click(),
    ]);
  }
  if (!response) throw new Error(`${pagePath} gave no response`);
  if (send) {
    // Sends the page's form (action `send`) as it is, past the browser's own checks: the page
    // checked is the portal's answer, with its errors.
    const form = page.locator(`form[action="${send}"]`);
    await form.evaluate((f) => {
      f.noValidate = true;
    });
    [response] = await Promise.all([
      page.waitForNavigation(),
      form.locator('button[type="submit"]').click(),
    ]);
    if (!response) throw new Error(`${pagePath}: sending its form gave no response`);
  }
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
  const report = [];
  try {
    for (const account of ['anonymous', 'member', 'admin']) {
      const ours = pages.filter((p) => p.account === account);
      if (ours.length === 0) continue;
      // JavaScript is on only so that axe can run; the portal's pages have none of their own.
      const context = await browser.newContext({ viewport: DESK });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      if (account !== 'anonymous') await logIn(page, account);
      for (const entry of ours) {
        const started = Date.now();
        try {
          const result = await check(page, entry);
          const layout = await checkLayout(page, entry.name);
          report.push({ page: entry.name, path: entry.path, ...result, layout });
          console.log(
            `checked ${entry.name} as ${account} with axe ${result.axe}: ${result.passed} rules passed, ` +
              `${result.violations.length} violated, ${result.incomplete.length} to review; ` +
              `${layout.length} layout problems at ${DESK.width} and ${PHONE.width} px ` +
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
