// An officer signs in, reads the results, filters them, and sees the live
// figures change when a resident submits in another browser.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, launch, submit, signIn, screenshot } from './harness.mjs';

let app;
let browser;
before(async () => { app = await startApp({ seed: true }); browser = await launch(); });
after(async () => { await browser?.close(); app?.stop(); });

test('an officer signs in, filters the results and sees them update live', async () => {
  const officer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await officer.newPage();
  await signIn(page, app.url);
  assert.match(page.url(), /\/officers$/);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/surveys/csp-2019/results"]')]);
  assert.equal((await page.textContent('#completed')).trim(), '420');
  const asb = page.locator('.table--categories tbody tr').first();
  assert.match((await asb.innerText()).replace(/\s+/g, ' '), /ASB 163 40% Of 154 respondents to this question: Fly-tipping 65 \(42%\)/);

  await page.selectOption('#f-borough', 'dartford');
  await submit(page, '.filters button[type=submit]');
  assert.match(page.url(), /f-borough=dartford/);
  assert.equal((await page.textContent('#completed')).trim(), '121');
  await screenshot(page, 'results-filtered-1280');

  // A resident answers in another browser; the open page updates by itself.
  const resident = await browser.newContext({ javaScriptEnabled: false });
  const form = await resident.newPage();
  await form.goto(`${app.url}/`);
  await submit(form);
  await form.check('input[value=dartford]');
  await submit(form);
  await page.waitForTimeout(300);
  for (let i = 0; i < 4; i += 1) await submit(form);
  assert.match(form.url(), /\/check$/);
  await submit(form);
  assert.match(form.url(), /\/done$/);
  await page.waitForFunction(() => document.querySelector('#completed')?.textContent.trim() === '122', null, { timeout: 5000 });
  assert.match(await page.textContent('#live-status'), /Figures updated at/);
  await resident.close();
  await officer.close();
});

test('an admin builds the next wave with JavaScript off and the keyboard alone', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await signIn(page, app.url);
  const press = async (key) => {
    const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
    return response;
  };
  const type = async (selector, text) => {
    await page.focus(selector);
    await page.keyboard.type(text);
  };
  await page.goto(`${app.url}/admin/surveys/new`);
  await page.selectOption('#copy-from', 'csp-2019');
  await type('#slug', 'csp-2021');
  await type('#title', 'Community safety 2021');
  await press('Enter');
  assert.match(page.url(), /\/admin\/drafts\/csp-2021$/);
  const firstQuestion = async () => (await page.getAttribute('ol.draft-questions li a.link-button', 'href')).split('/').pop();
  assert.equal(await firstQuestion(), 'borough');

  // "Move down" is a button in a form: Enter on it moves the question.
  await page.focus('form[action$="/questions/borough/move"] button');
  let response = await press('Enter');
  assert.equal(response.status(), 200);
  assert.equal(await firstQuestion(), 'most-important');

  // A free-text question, typed and chosen with the keyboard.
  await page.goto(`${app.url}/admin/drafts/csp-2021/add-question`);
  await type('#title', 'Is there anything else you would like to tell us?');
  await type('#question-id', 'anything-else');
  await page.focus('#kind-text');
  await page.keyboard.press('Space');
  await type('#max-length', '500');
  await page.focus('#max-length');
  await press('Enter');
  assert.match(page.url(), /\/admin\/drafts\/csp-2021$/);
  const ids = await page.$$eval('ol.draft-questions li a.link-button', (links) => links.map((a) => a.getAttribute('href').split('/').pop()));
  assert.equal(ids.at(-1), 'anything-else');
  await screenshot(page, 'builder-draft-375');

  // Channels, typed into the settings with the keyboard.
  await page.goto(`${app.url}/admin/drafts/csp-2021/settings`);
  await type('#channels', 'Council website\nFacebook');
  await page.focus('main button[type=submit]');
  await press('Enter');
  assert.match(page.url(), /\/admin\/drafts\/csp-2021$/);

  // The preview, walked with the keyboard: start, a radio, Continue.
  await page.goto(`${app.url}/admin/drafts/csp-2021/preview`);
  assert.match(await page.title(), /^Preview: /);
  await page.focus('main form button');
  await press('Enter');
  assert.match(page.url(), /\/preview\/questions\/most-important$/);
  await page.focus('input[name=answer]');
  await page.keyboard.press('Space');
  await page.focus('main form button[type=submit]');
  await press('Enter');
  // Borough was moved below it, so it comes next, as it would for a resident.
  assert.match(page.url(), /\/preview\/questions\/borough$/);
  await screenshot(page, 'builder-preview-375');

  // Published, its channels page lists each link.
  await page.goto(`${app.url}/admin/drafts/csp-2021`);
  await page.focus('form[action$="/publish"] button');
  await press('Enter');
  assert.match(page.url(), /\/officers$/);
  await page.goto(`${app.url}/surveys/csp-2021/channels`);
  const links = await page.$$eval('tbody code', (codes) => codes.map((c) => c.textContent));
  assert.deepEqual(links.map((l) => l.replace(app.url, '')), ['/surveys/csp-2021?channel=council-website', '/surveys/csp-2021?channel=facebook', '/surveys/csp-2021']);
  await context.close();
});
