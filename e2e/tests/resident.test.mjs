// A resident completes the 2019 survey in Chromium: with JavaScript off and
// on, changing the category on check-your-answers, correcting a validation
// error, and with the keyboard alone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, launch, submit, screenshot, tabTo, focusVisible } from './harness.mjs';

let app;
let browser;
before(async () => { app = await startApp(); browser = await launch(); });
after(async () => { await browser?.close(); app?.stop(); });

/** Answers the page's question by ticking these option ids, then Continue. */
async function answer(page, ...options) {
  for (const option of options) await page.check(`input[name=answer][value="${option}"]`);
  return submit(page);
}

async function completeSurvey(page, { javaScript }) {
  await page.goto(`${app.url}/`);
  assert.equal(await page.textContent('h1'), 'Community safety in Dartford and Gravesham');
  await submit(page);
  assert.match(page.url(), /\/questions\/borough$/);
  await screenshot(page, `resident-borough-${javaScript ? 'js' : 'nojs'}-${page.viewportSize().width}`);
  await answer(page, 'gravesham');
  await answer(page, 'asb');
  assert.match(page.url(), /\/questions\/asb-concerns$/, 'the follow-up follows the category');
  await page.check('input[value=fly-tipping]');
  await page.check('input[value=other]');
  await page.fill('#specify-other', 'Parking on pavements');
  await submit(page);
  await answer(page, '45-54');
  await answer(page, 'white-british');
  await answer(page, 'female');
  assert.match(page.url(), /\/check$/);
  const answers = await page.locator('.summary-list__value').allInnerTexts();
  assert.deepEqual(answers.map((a) => a.trim().replace(/\s+/g, ' ')), [
    'Gravesham', 'ASB', 'Fly-tipping Other: Parking on pavements', '45-54', 'White British', 'Female',
  ]);
  await submit(page);
  assert.match(page.url(), /\/done$/);
  assert.equal((await page.textContent('h1')).trim(), 'Response submitted');
}

test('a resident completes the survey with JavaScript off', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  await completeSurvey(await context.newPage(), { javaScript: false });
  await context.close();
});

test('a resident completes the survey with JavaScript on', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await completeSurvey(await context.newPage(), { javaScript: true });
  await context.close();
});

test('changing the category on check-your-answers drops the follow-up answers', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  await submit(page);
  await answer(page, 'dartford');
  await answer(page, 'property-crime');
  await answer(page, 'residential-burglary', 'scams');
  for (let i = 0; i < 3; i += 1) await submit(page);
  assert.match(page.url(), /\/check$/);
  await page.goBack();
  await page.goBack();
  assert.match(page.url(), /\/questions\/ethnicity$/, 'the back button works');
  await page.goto(`${app.url}/surveys/csp-2019/check`);
  await Promise.all([page.waitForNavigation(), page.click('a[href$="most-important?change=1"]')]);
  await answer(page, 'violence');
  assert.match(page.url(), /violence-concerns\?change=1$/);
  await answer(page, 'robbery');
  assert.match(page.url(), /\/check$/);
  const keys = await page.locator('.summary-list__key').allTextContents();
  assert.ok(keys.includes('Concerns within violence'));
  assert.ok(!keys.includes('Concerns within property crime'), 'the old follow-up is gone');
  assert.ok(!(await page.textContent('main')).includes('Residential burglary'));
  await context.close();
});

test('a validation error links to the field and keeps what was typed', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  await submit(page);
  const empty = await submit(page);
  assert.equal(empty.status(), 422);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true,
    'the error summary takes focus');
  assert.equal(await page.getAttribute('.error-summary a', 'href'), '#answer');
  await page.click('.error-summary a');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'answer', 'the link reaches the field');
  await answer(page, 'gravesham');
  await answer(page, 'asb');
  for (const o of ['fly-tipping', 'drugs', 'noisy-rowdy', 'other']) await page.check(`input[value="${o}"]`);
  await page.fill('#specify-other', 'Bins left out all week');
  const tooMany = await submit(page);
  assert.equal(tooMany.status(), 422);
  assert.match(await page.textContent('.error-summary'), /Select no more than 3 options; you selected 4/);
  assert.equal(await page.inputValue('#specify-other'), 'Bins left out all week', 'nothing typed is lost');
  assert.equal(await page.locator('input[name=answer]:checked').count(), 4);
  await screenshot(page, 'resident-error-375');
  await context.close();
});

test('the survey can be completed with the keyboard alone', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  await tabTo(page, 'button[type=submit]');
  assert.ok(await focusVisible(page), 'the start button shows focus');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // Borough: the first radio, then the arrow key moves to Gravesham.
  await tabTo(page, 'input[name=answer]');
  assert.ok(await focusVisible(page), 'a radio shows focus');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'button[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // Most important: space selects the focused first option (ASB).
  await tabTo(page, 'input[name=answer]');
  await page.keyboard.press('Space');
  await tabTo(page, 'button[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // The follow-up: tick the first checkbox with space.
  await tabTo(page, 'input[name=answer]');
  await page.keyboard.press('Space');
  await tabTo(page, 'button[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  for (let i = 0; i < 3; i += 1) {
    await tabTo(page, 'button[type=submit]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }
  assert.match(page.url(), /\/check$/);
  const answers = await page.locator('.summary-list__value').allTextContents();
  assert.equal(answers[0].trim(), 'Gravesham');
  assert.equal(answers[1].trim(), 'ASB');
  assert.equal(answers[2].trim(), 'Fly-tipping');
  await tabTo(page, 'button[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(page.url(), /\/done$/);
  await context.close();
});
