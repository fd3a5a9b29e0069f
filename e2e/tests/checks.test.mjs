// Every resident and officer page, checked by axe-core (WCAG 2.0, 2.1 and
// 2.2, A and AA) and by the Nu HTML Checker, with the resident pages' weight
// measured and phone and desktop screenshots kept.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, launch, submit, signIn, axe, keepHtml, vnu, screenshot, artefacts, root } from './harness.mjs';

let app;
let browser;
const kept = [];
const weights = [];
before(async () => { app = await startApp({ seed: true }); browser = await launch(); });
after(async () => { await browser?.close(); app?.stop(); });

/** Whether the page fits its viewport's width (WCAG 1.4.10 Reflow). */
async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** axe on the page as it is, and its served HTML kept for vnu. */
async function check(page, name, response) {
  assert.ok(await fitsWidth(page), `${name} scrolls sideways at ${page.viewportSize().width} px`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], `axe found violations on ${name}`);
  console.log(`axe: ${name}: 0 violations`);
  await keepHtml(name, response);
  kept.push(join(artefacts, 'html', `${name}.html`));
}

/** Bytes of the page's HTML plus the CSS and JavaScript it loads. */
async function weigh(page, name, response) {
  const html = (await response.body()).length;
  const assets = await page.evaluate(() => [
    ...[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href),
    ...[...document.querySelectorAll('script[src]')].map((s) => s.src),
  ]);
  let total = html;
  for (const href of assets) total += (await (await page.request.get(href)).body()).length;
  weights.push([name, html, total]);
  return total;
}

test('resident pages pass axe and are light', async () => {
  // Pages are checked as a no-JavaScript visitor sees them: the page's own
  // scripts are blocked by a Content-Security-Policy, while axe, injected
  // by the test, still runs.
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  await context.route('**/*', async (route) => {
    if (route.request().method() !== 'GET' || route.request().resourceType() !== 'document') {
      await route.continue();
      return;
    }
    const response = await route.fetch();
    const headers = { ...response.headers() };
    if (route.request().resourceType() === 'document') headers['content-security-policy'] = "script-src 'none'";
    await route.fulfill({ response, headers });
  });
  const page = await context.newPage();
  let response = await page.goto(`${app.url}/`);
  await check(page, 'resident-start', response);
  await weigh(page, 'start', response);
  response = await submit(page);
  await check(page, 'resident-question-borough', response);
  const first = await weigh(page, 'first question', response);
  await screenshot(page, 'first-question-375');
  response = await submit(page);
  assert.equal(response.status(), 422);
  await check(page, 'resident-error', response);
  await weigh(page, 'error', response);
  const questions = [['gravesham'], ['asb'], ['fly-tipping', 'drugs'], ['45-54'], ['other'], ['female']];
  for (const options of questions) {
    for (const o of options) await page.check(`input[name=answer][value="${o}"]`);
    const id = page.url().split('/').pop();
    response = await submit(page);
    if (!page.url().endsWith('/check')) {
      await check(page, `resident-question-${page.url().split('/').pop()}`, response);
      await weigh(page, `question ${page.url().split('/').pop()}`, response);
    }
    assert.notEqual(id, page.url().split('/').pop());
  }
  assert.match(page.url(), /\/check$/);
  await check(page, 'resident-check', response);
  await weigh(page, 'check your answers', response);
  response = await submit(page);
  await check(page, 'resident-confirmation', response);
  await weigh(page, 'confirmation', response);

  // The other question kinds: a scale, and free text with its error.
  response = await page.goto(`${app.url}/surveys/safety-2020`);
  response = await submit(page);
  await page.check('input[name=answer][value="dartford"]');
  response = await submit(page);
  await check(page, 'resident-question-scale', response);
  await weigh(page, 'scale question', response);
  await page.check('input[name=answer][value="fairly-unsafe"]');
  response = await submit(page);
  await check(page, 'resident-question-text', response);
  await weigh(page, 'text question', response);
  await page.fill('textarea[name=answer]', 'x'.repeat(201));
  response = await submit(page);
  assert.equal(response.status(), 422);
  await check(page, 'resident-question-text-error', response);
  await page.fill('textarea[name=answer]', 'The underpass needs lights.\nAnd the park.');
  response = await submit(page);
  assert.match(page.url(), /\/check$/);
  await check(page, 'resident-check-kinds', response);
  response = await submit(page);
  assert.match(page.url(), /\/done$/);
  // The statements every page's footer links to.
  for (const [path, name] of [['/surveys/csp-2019/privacy', 'privacy notice'], ['/privacy', 'privacy'], ['/accessibility', 'accessibility statement']]) {
    response = await page.goto(`${app.url}${path}`);
    assert.equal(response.status(), 200, path);
    await check(page, `statement-${name.replaceAll(' ', '-')}`, response);
    await weigh(page, name, response);
  }
  await screenshot(page, 'accessibility-statement-375');
  console.log(`page weight: first question page ${first} bytes of HTML and CSS, no JavaScript`);
  for (const [name, html, total] of weights) {
    console.log(`page weight: ${name}: ${html} bytes HTML, ${total} bytes with CSS and JS`);
    assert.ok(total < 50 * 1024, `${name} weighs ${total} bytes`);
  }
  await context.close();
});

test('officer pages pass axe', async () => {
  for (const [width, label] of [[1280, 'desktop'], [375, 'phone']]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    let response = await page.goto(`${app.url}/officers/sign-in`);
    if (label === 'desktop') await check(page, 'officer-sign-in', response);
    await signIn(page, app.url);
    response = await page.goto(`${app.url}/surveys/csp-2019/results`);
    await screenshot(page, `results-${width}`);
    assert.ok(await fitsWidth(page), `the results page scrolls sideways at ${width} px`);
    if (label === 'desktop') {
      await check(page, 'officer-results', response);
      response = await page.goto(`${app.url}/surveys/csp-2019/results?f-borough=dartford&f-gender=female`);
      await check(page, 'officer-results-filtered', response);
      response = await page.goto(`${app.url}/surveys/csp-2019/results?compare=borough`);
      await check(page, 'officer-results-compared', response);
      // Weighting: the page before, a bad file, the targets, the weighted figures.
      response = await page.goto(`${app.url}/surveys/csp-2019/weighting`);
      await check(page, 'officer-weighting-none', response);
      await page.setInputFiles('#targets', { name: 'targets.csv', mimeType: 'text/csv', buffer: Buffer.from('borough,count\ndartfrod,10\n') });
      response = await submit(page, 'form[action$="/weighting"] button');
      assert.equal(response.status(), 422);
      await check(page, 'officer-weighting-error', response);
      await page.setInputFiles('#targets', join(root, 'tests', 'api', 'fixtures', 'targets-2019.csv'));
      response = await submit(page, 'form[action$="/weighting"] button');
      assert.match(page.url(), /\/surveys\/csp-2019\/weighting$/);
      await check(page, 'officer-weighting', response);
      response = await page.goto(`${app.url}/surveys/csp-2019/results?weights=on`);
      await check(page, 'officer-results-weighted', response);
      response = await page.goto(`${app.url}/surveys/csp-2019/results?weights=on&compare=borough`);
      await check(page, 'officer-results-weighted-compared', response);
      // Waves: csp-2019 beside the earlier csp-2018.
      response = await page.goto(`${app.url}/surveys/csp-2019/results?wave=csp-2018`);
      await check(page, 'officer-results-waves', response);
      response = await page.goto(`${app.url}/surveys/csp-2019/report?wave=csp-2018&weights=on`);
      await check(page, 'officer-report-waves-weighted', response);
      response = await page.goto(`${app.url}/surveys/csp-2019/report`);
      await check(page, 'officer-report', response);
      response = await page.goto(`${app.url}/officers`);
      await check(page, 'officer-surveys', response);
      response = await page.goto(`${app.url}/admin/officers`);
      await check(page, 'admin-officers', response);
      response = await page.goto(`${app.url}/admin/audit?action=export`);
      await check(page, 'admin-audit-exports', response);
      response = await page.goto(`${app.url}/surveys/safety-2020/results`);
      await check(page, 'officer-results-kinds', response);
      response = await page.goto(`${app.url}/surveys/safety-2020/results/text/comments?q=lights`);
      await check(page, 'officer-text-answers', response);
      // Free-text themes: a refused name, a theme added, a page coded, a search's bulk form.
      response = await page.goto(`${app.url}/surveys/safety-2020/results/text/comments`);
      response = await submit(page, 'form[action$="/themes"] button');
      assert.equal(response.status(), 422);
      await check(page, 'officer-themes-error', response);
      await page.fill('#theme-name', 'Lighting');
      response = await submit(page, 'form[action$="/themes"] button');
      await check(page, 'officer-themes', response);
      await page.check('#coding input[type=checkbox]');
      response = await submit(page, '#coding button[type=submit]');
      assert.equal(await page.isChecked('#coding input[type=checkbox]'), true);
      response = await page.goto(`${app.url}/surveys/safety-2020/results/text/comments?q=lights`);
      await check(page, 'officer-themes-search', response);
      response = await page.goto(`${app.url}/surveys/safety-2020/results`);
      await check(page, 'officer-results-themes', response);
      // The survey builder: the new-wave form, its error state, a draft, the audit.
      response = await page.goto(`${app.url}/admin/surveys/new`);
      await check(page, 'builder-new-wave', response);
      await page.selectOption('#copy-from', 'csp-2019');
      await page.fill('#slug', 'Not A Slug');
      await page.fill('#title', 'Community safety in Dartford and Gravesham 2020');
      response = await submit(page, 'main button[type=submit]');
      assert.equal(response.status(), 422);
      await check(page, 'builder-new-wave-error', response);
      await page.fill('#slug', 'csp-2020');
      response = await submit(page, 'main button[type=submit]');
      assert.match(page.url(), /\/admin\/drafts\/csp-2020$/);
      await check(page, 'builder-draft', response);
      response = await page.goto(`${app.url}/admin/drafts/csp-2020/settings`);
      await check(page, 'builder-settings', response);
      await page.fill('#title', '');
      response = await submit(page, 'main button[type=submit]');
      assert.equal(response.status(), 422);
      await check(page, 'builder-settings-error', response);
      // Questions and options: add one, its error state, a refused removal,
      // a question with its options, an option.
      const draft = `${app.url}/admin/drafts/csp-2020`;
      response = await page.goto(`${draft}/add-question`);
      await check(page, 'builder-add-question', response);
      await page.fill('#title', 'How safe do you feel in your local area after dark?');
      await page.fill('#question-id', 'Bad Id');
      await page.check('#kind-scale');
      await page.fill('#options', 'Very safe\nFairly safe\nFairly unsafe\nVery unsafe');
      response = await submit(page, 'form[action$="/add-question"] button[type=submit]');
      assert.equal(response.status(), 422);
      await check(page, 'builder-add-question-error', response);
      assert.equal(await page.inputValue('#options'), 'Very safe\nFairly safe\nFairly unsafe\nVery unsafe', 'what was typed comes back');
      await page.fill('#question-id', 'feel-safe');
      response = await submit(page, 'form[action$="/add-question"] button[type=submit]');
      assert.match(page.url(), /\/admin\/drafts\/csp-2020$/);
      response = await submit(page, 'form[action$="/questions/most-important/remove"] button');
      assert.equal(response.status(), 422);
      await check(page, 'builder-draft-refused', response);
      response = await page.goto(`${draft}/questions/feel-safe`);
      await check(page, 'builder-question', response);
      response = await page.goto(`${draft}/questions/feel-safe/add-option`);
      await check(page, 'builder-add-option', response);
      response = await page.goto(`${draft}/questions/borough/options/dartford`);
      await check(page, 'builder-option', response);
      // The preview: the resident's pages, marked, storing nothing.
      response = await page.goto(`${draft}/preview`);
      await check(page, 'builder-preview-start', response);
      response = await submit(page, 'main form button[type=submit]');
      assert.match(page.url(), /\/preview\/questions\/borough$/);
      await check(page, 'builder-preview-question', response);
      response = await submit(page, 'main form button[type=submit]');
      assert.equal(response.status(), 422);
      await check(page, 'builder-preview-question-error', response);
      await page.check('input[value=dartford]');
      response = await submit(page, 'main form button[type=submit]');
      response = await page.goto(`${draft}/preview/check`);
      await check(page, 'builder-preview-check', response);
      response = await submit(page, 'main form button[type=submit]');
      assert.match(page.url(), /\/preview\/done$/);
      await check(page, 'builder-preview-done', response);
      // The next version of a published survey, as a draft.
      await page.goto(`${app.url}/officers`);
      response = await submit(page, 'form[action="/admin/surveys/csp-2019/next-version"] button');
      assert.match(page.url(), /\/admin\/drafts\/csp-2019$/);
      await check(page, 'builder-next-version', response);
      // Definition files in: the upload page and a refused file.
      response = await page.goto(`${app.url}/admin/surveys/upload`);
      await check(page, 'builder-upload', response);
      await page.setInputFiles('#definition', { name: 'broken.toml', mimeType: 'application/toml', buffer: Buffer.from('slug = "x"\ntitle = \n') });
      response = await submit(page, 'main button[type=submit]');
      assert.equal(response.status(), 422);
      await check(page, 'builder-upload-error', response);
      // A survey from blank: its draft lists what it lacks.
      response = await page.goto(`${app.url}/admin/surveys/new`);
      await page.selectOption('#copy-from', ':blank');
      await page.fill('#slug', 'town-centre');
      await page.fill('#title', 'Town centre safety');
      response = await submit(page, 'main button[type=submit]');
      assert.match(page.url(), /\/admin\/drafts\/town-centre$/);
      await check(page, 'builder-draft-blank', response);
      response = await submit(page, 'form[action$="/publish"] button');
      assert.equal(response.status(), 422);
      await check(page, 'builder-draft-blank-publish', response);
      // Distribution: the next version gets channels and is published.
      response = await page.goto(`${app.url}/admin/drafts/csp-2019/settings`);
      await page.fill('#channels', 'Council website\nFacebook\nStreet survey tablet');
      response = await submit(page, 'main button[type=submit]');
      assert.match(page.url(), /\/admin\/drafts\/csp-2019$/);
      response = await submit(page, 'form[action$="/publish"] button');
      assert.match(page.url(), /\/officers$/);
      response = await page.goto(`${app.url}/surveys/csp-2019/channels`);
      await check(page, 'officer-channels', response);
      response = await page.goto(`${app.url}/surveys/csp-2019/results`);
      await check(page, 'officer-results-channels', response);
      response = await page.goto(`${app.url}/admin/audit`);
      await check(page, 'admin-audit', response);
      response = await page.goto(`${app.url}/admin/audit?action=sign-in`);
      await check(page, 'admin-audit-filtered', response);
      // Retention: the page, a refused period with its error, then set.
      response = await page.goto(`${app.url}/admin/surveys/csp-2019/retention`);
      await check(page, 'admin-retention', response);
      await page.fill('#free-text-months', '-1');
      response = await submit(page, 'form[action$="/retention"] button');
      assert.equal(response.status(), 422);
      await check(page, 'admin-retention-error', response);
      await page.fill('#free-text-months', '12');
      response = await submit(page, 'form[action$="/retention"] button');
      assert.match(page.url(), /\/retention$/);
      await check(page, 'admin-retention-set', response);
    }
    for (const path of ['/admin/surveys/new', '/admin/drafts/csp-2020', '/admin/drafts/csp-2020/settings', '/admin/audit',
      '/admin/drafts/csp-2020/add-question', '/admin/drafts/csp-2020/questions/most-important', '/admin/drafts/csp-2020/questions/borough/options/dartford',
      '/admin/drafts/csp-2020/preview', '/admin/drafts/csp-2020/preview/questions/borough', '/admin/drafts/csp-2020/preview/check',
      '/admin/surveys/upload', '/surveys/csp-2019/channels']) {
      await page.goto(`${app.url}${path}`);
      assert.ok(await fitsWidth(page), `${path} scrolls sideways at ${width} px`);
    }
    for (const path of ['/surveys/safety-2020/results', '/surveys/safety-2020/results/text/comments']) {
      await page.goto(`${app.url}${path}`);
      assert.ok(await fitsWidth(page), `${path} scrolls sideways at ${width} px`);
    }
    await page.goto(`${app.url}/surveys/csp-2019/results?compare=borough`);
    assert.ok(await fitsWidth(page), `the comparison scrolls sideways at ${width} px`);
    // Intervals, small-base markers, weights and waves, at phone and desktop widths.
    await page.goto(`${app.url}/surveys/csp-2019/results?weights=on&wave=csp-2018`);
    await screenshot(page, `results-weighted-waves-${width}`);
    assert.ok(await fitsWidth(page), `the weighted waves scroll sideways at ${width} px`);
    await page.goto(`${app.url}/surveys/csp-2019/weighting`);
    await screenshot(page, `weighting-${width}`);
    assert.ok(await fitsWidth(page), `the weighting page scrolls sideways at ${width} px`);
    for (const path of ['/officers', '/admin/officers', '/admin/audit', '/admin/audit?action=sign-in', '/admin/surveys/csp-2019/retention']) {
      await page.goto(`${app.url}${path}`);
      if (path === '/officers') await screenshot(page, `surveys-${width}`);
      assert.ok(await fitsWidth(page), `${path} scrolls sideways at ${width} px`);
    }
    await context.close();
  }
});

test('the audit log, retention and the theme coding screens with JavaScript off at 375 px', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  // Signed in first: the pages are then fetched with their scripts blocked.
  await signIn(page, app.url);
  await context.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') { await route.continue(); return; }
    const fetched = await route.fetch();
    await route.fulfill({ response: fetched, headers: { ...fetched.headers(), 'content-security-policy': "script-src 'none'" } });
  });
  for (const [path, name] of [
    ['/admin/audit', 'audit-375'],
    ['/admin/audit?action=sign-in', 'audit-filtered-375'],
    ['/admin/surveys/csp-2019/retention', 'retention-375'],
    ['/surveys/safety-2020/results/text/comments', 'themes-375'],
    ['/surveys/safety-2020/results/text/comments?q=lights', 'themes-search-375'],
    ['/surveys/csp-2019/results/text/asb-concerns', 'themes-specify-375'],
  ]) {
    const response = await page.goto(`${app.url}${path}`);
    assert.equal(response.status(), 200, path);
    assert.ok(page.url().endsWith(path), `${path} was served, not ${page.url()}`);
    await check(page, name, response);
    if (name === 'themes-375') await screenshot(page, 'themes-375');
  }
  await context.close();
});

test('public results: the admin page, then the public page with JavaScript off at 375 px', async () => {
  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let page = await admin.newPage();
  await signIn(page, app.url);
  let response = await page.goto(`${app.url}/admin/surveys/csp-2019/public`);
  await check(page, 'admin-public', response);
  response = await submit(page, 'button[value=publish]');
  assert.equal(response.status(), 422, 'no question chosen');
  await check(page, 'admin-public-error', response);
  for (const q of ['borough', 'most-important', 'asb-concerns', 'age', 'ethnicity', 'gender']) {
    await page.check(`input[name=question][value="${q}"]`);
  }
  await page.selectOption('#breakdown', 'borough');
  await page.fill('#you-said', 'You said anti-social behaviour mattered most.\n\nWe did: more patrols in the town centres.');
  response = await submit(page, 'button[value=publish]');
  assert.match(page.url(), /\/admin\/surveys\/csp-2019\/public$/);
  await check(page, 'admin-public-published', response);
  await admin.close();

  const resident = await browser.newContext({ viewport: { width: 375, height: 800 } });
  await resident.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') { await route.continue(); return; }
    const fetched = await route.fetch();
    await route.fulfill({ response: fetched, headers: { ...fetched.headers(), 'content-security-policy': "script-src 'none'" } });
  });
  page = await resident.newPage();
  response = await page.goto(`${app.url}/surveys/csp-2019/public-results`);
  assert.equal(response.status(), 200);
  await check(page, 'public-results', response);
  const total = await weigh(page, 'public results', response);
  assert.ok(total < 50 * 1024, `the public page weighs ${total} bytes`);
  console.log(`page weight: public results: ${total} bytes with CSS, no JavaScript`);
  await screenshot(page, 'public-results-375');

  // Published to be shown once the survey has closed: the page residents see meanwhile.
  const again = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const adminPage = await again.newPage();
  await signIn(adminPage, app.url);
  await adminPage.goto(`${app.url}/admin/surveys/csp-2019/public`);
  await adminPage.check('#when-after-closing');
  await submit(adminPage, 'button[value=publish]');
  assert.equal(await adminPage.isChecked('#when-after-closing'), true);
  await again.close();
  response = await page.goto(`${app.url}/surveys/csp-2019/public-results`);
  assert.equal(response.status(), 200);
  await check(page, 'public-results-waiting', response);
  await resident.close();
});

test('every checked page is valid HTML', () => {
  assert.ok(kept.length >= 15, `only ${kept.length} pages were kept`);
  const errors = vnu(kept);
  for (const file of kept) console.log(`vnu: ${file.split('/').pop()}: ${errors.filter((e) => e.includes(file)).length} errors`);
  assert.deepEqual(errors, [], 'the Nu HTML Checker found errors');
  console.log(`screenshots and pages are in ${artefacts}`);
});

test('the checkers catch a broken page, so their silence means something', async () => {
  const broken = join(artefacts, 'html', 'known-broken.html.txt');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(broken, '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p id="a"><div id="a"></div></body></html>');
  const errors = vnu([broken]);
  assert.ok(errors.some((e) => e.includes('Duplicate ID')), `vnu missed the errors: ${errors}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent('<!DOCTYPE html><html><head><title>x</title></head><body><img src="x.png"><input type="text"></body></html>');
  const violations = await axe(page);
  assert.ok(violations.some((v) => v.startsWith('image-alt')), `axe missed the missing alt text: ${violations}`);
  assert.ok(violations.some((v) => v.startsWith('label')), `axe missed the unlabelled input: ${violations}`);
  await context.close();
});
