// Shared set-up for the browser tests: the real civic-survey binary on a
// free port with a fresh SQLite database, headless Debian Chromium driven by
// playwright-core, axe-core injected into pages, and the Nu HTML Checker.

import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const bin = process.env.CIVIC_BIN || join(root, 'target', 'debug', 'civic-survey');
export const artefacts = resolve(process.env.E2E_ARTIFACTS || join(root, 'e2e-artifacts'));
export const OFFICER = 'officer@example.gov.uk';
export const PASSWORD = 'correct horse battery staple';

mkdirSync(join(artefacts, 'screenshots'), { recursive: true });
mkdirSync(join(artefacts, 'html'), { recursive: true });

/**
 * Starts the service with the shipped csp-2019 (the default survey) and the
 * test survey with every question kind (safety-2020); `seed` fills csp-2019
 * with the 2019 responses, and adds an earlier wave of it, csp-2018 (the
 * same questions, other synthetic responses), to compare waves with.
 */
export async function startApp({ seed = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'civic-e2e-'));
  const surveys = join(dir, 'surveys');
  mkdirSync(surveys);
  copyFileSync(join(root, 'assets', 'surveys', 'csp-2019.toml'), join(surveys, 'csp-2019.toml'));
  copyFileSync(join(root, 'tests', 'api', 'fixtures', 'kinds', 'safety-2020.toml'), join(surveys, 'safety-2020.toml'));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/civic.db`,
    BIND_ADDRESS: '127.0.0.1:0',
    SECRET_KEY: 'an end-to-end test secret key, long enough',
    SURVEYS_DIR: surveys,
    DEFAULT_SURVEY: 'csp-2019',
    RUST_LOG: 'warn',
  };
  execFileSync(bin, ['officer', 'add', OFFICER, '--role', 'admin'], { env, input: `${PASSWORD}\n` });
  if (seed) {
    const earlier = readFileSync(join(root, 'assets', 'surveys', 'csp-2019.toml'), 'utf8')
      .replace('slug = "csp-2019"', 'slug = "csp-2018"')
      .replace('title = "Community safety in Dartford and Gravesham"', 'title = "Community safety in Dartford and Gravesham 2018"')
      .replaceAll('2019-02-18', '2018-02-19')
      .replace('to = "2019-03-03"', 'to = "2018-03-04"');
    writeFileSync(join(surveys, 'csp-2018.toml'), earlier);
    execFileSync(bin, ['seed', 'csp-2019'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(bin, ['seed', 'csp-2018', '--seed', '2018'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const child = spawn(bin, ['serve'], { env, cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((ok, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`no URL printed: ${seen}`)), 20000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/running at (http:\/\/[^\s]+)\//);
      if (match) { clearTimeout(timer); ok(match[1]); }
    });
    child.on('exit', (code) => fail(new Error(`the service exited (${code}): ${seen}`)));
  });
  return { url, stop: () => child.kill() };
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: FLAGS });
}

/** Clicks and waits for the page it leads to; returns that document's response. */
export async function submit(page, selector = 'button[type=submit]') {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

/** Signs the page's context in as the test officer. */
export async function signIn(page, url) {
  await page.goto(`${url}/officers/sign-in`);
  await page.fill('#email', OFFICER);
  await page.fill('#password', PASSWORD);
  await submit(page);
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Runs axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page. */
export async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG,
  );
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Keeps a page's HTML, as served, for the Nu HTML Checker. */
export async function keepHtml(name, response) {
  const html = await response.text();
  writeFileSync(join(artefacts, 'html', `${name}.html`), html);
  return html;
}

/** Runs the Nu HTML Checker on the kept pages: a list of "file: error" lines. */
export function vnu(files) {
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  try {
    execFileSync('java', ['-jar', jar, '--errors-only', '--format', 'text', ...files], { stdio: 'pipe' });
    return [];
  } catch (e) {
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    return out ? out.split('\n') : [`vnu failed: ${e.message}`];
  }
}

/** Saves a screenshot into the artefacts folder. */
export async function screenshot(page, name) {
  const path = join(artefacts, 'screenshots', `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Presses Tab until the focused element matches `selector`. */
export async function tabTo(page, selector, limit = 60) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Whether the focused element shows a visible focus indicator. */
export function focusVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none'
      || style.backgroundColor === 'rgb(255, 221, 0)';
  });
}
