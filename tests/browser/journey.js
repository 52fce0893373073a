// A commissioner's journey through the web platform in Debian's Chromium:
// sign in, the CCG home page, drill down from a figure to the records behind
// it, download a view as CSV, the contract summary at 1366 px down to a
// record's price explanation, money in £000s, agreeing ticked challenges,
// a provider's challenge pack, open the CCG's billing page and an invoice,
// sign out, and find the pages closed again. Then a CCG finance lead at
// 1366 px: a first sign-in with an authenticator (the code computed here
// from the key the page shows, as a phone app would), every aggregate view
// fitting the screen, records refused, the ledger's monthly position and
// budget monitoring, billing, sign out. Then a data manager uploads an
// extract through the web and sees it loaded, and the same file refused as
// already loaded.
// Screenshots of each step go to ARTEFACTS (test artefacts to look at).
//
//   BASE_URL=http://127.0.0.1:PORT USER=... PASSWORD=... ARTEFACTS=DIR node journey.js
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const crypto = require('crypto');

const base = process.env.BASE_URL;

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 key: what an
// authenticator app shows.
function totp(base32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}
const artefacts = process.env.ARTEFACTS;
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';

function check(ok, what) {
  if (!ok) throw new Error('check failed: ' + what);
  console.log('ok   ' + what);
}

(async () => {
  fs.mkdirSync(artefacts, { recursive: true });
  const browser = await chromium.launch({
    executablePath: browserPath,
    // Root in a container has no user namespaces for Chromium's sandbox;
    // /dev/shm is small in containers; there is no GPU.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  try {
    for (const [width, height, device] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
      const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
      const page = await context.newPage();
      const shot = (name, fullPage = true) =>
        page.screenshot({ path: path.join(artefacts, `${device}-${name}.png`), fullPage });

      let response = await page.goto(base + '/ccg/02E');
      check(page.url().endsWith('/signin'), `${device}: a page before sign-in goes to the sign-in form`);
      await shot('1-signin');
      await page.fill('#username', process.env.USER_NAME);
      await page.fill('#password', 'not the password at all');
      await page.click('button[type=submit]');
      check((await page.textContent('.error')).includes('Sign-in failed'), `${device}: a wrong password gets the one failure message`);
      await page.fill('#username', process.env.USER_NAME);
      await page.fill('#password', process.env.PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      check(page.url().endsWith('/ccg/02E'), `${device}: signing in opens the CCG home page`);
      check((await page.textContent('h1')).length > 0 && (await page.textContent('main')).includes('Spend to date'),
            `${device}: the home page shows the month's headline`);
      check(await page.locator('svg[role=img]').count() === 1, `${device}: the A&E SPC chart is drawn, with a text alternative`);
      await shot('2-home');

      if (device === 'desktop') {
        const link = page.locator('table a').first();
        check(await link.count() === 1, 'a variance figure links to its records');
        await Promise.all([page.waitForNavigation(), link.click()]);
        check(page.url().includes('/ccg/02E/records?'), 'the drill-down opens the records behind the figure');
        check(await page.locator('tbody tr').count() > 0, 'the drill-down lists records');
        await shot('3-records', false);

        await page.goto(base + '/ccg/02E/view/spend');
        await shot('4-spend');
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download CSV')]);
        const file = path.join(artefacts, download.suggestedFilename());
        await download.saveAs(file);
        const csv = fs.readFileSync(file, 'utf8');
        check(csv.startsWith('commissioner,') || csv.split('\n')[0].includes('provider'), 'the CSV download has a header row');
        check(csv.split('\n').length > 2, 'the CSV download has data rows');

        // The table convention: a heading sorts by its column, largest first,
        // and the order is in the URL.
        await Promise.all([page.waitForNavigation(),
                           page.locator('thead a.sort', { hasText: 'Total £' }).click()]);
        check(page.url().includes('sort=spend') && page.url().includes('dir=desc'), 'a heading sorts by its column, in the URL');
        check(await page.getAttribute('thead th[aria-sort]', 'aria-sort') === 'descending', 'the sorted heading says how');
        const spends = await page.$$eval('tbody tr', (rows) =>
          rows.map((r) => Number((r.cells[6] ? r.cells[6].textContent : '').replace(/[£,]/g, ''))));
        check(spends.length > 1 && spends.every((v, i) => i === 0 || v <= spends[i - 1]), 'sorted largest first');
        await page.goto(base + '/ccg/02E/view/monitoring');
        const box = page.locator('.table-wrap.scroll');
        const wide = await box.evaluate((e) => e.scrollWidth > e.clientWidth);
        await box.evaluate((e) => { e.scrollLeft = e.scrollWidth; });
        const [wrapAt, providerAt] = [await box.boundingBox(), await page.locator('thead th.stick').first().boundingBox()];
        check(wide && Math.abs(providerAt.x - wrapAt.x) < 4, 'scrolled to the money, the provider column stays in view');
        await shot('4-monitoring-scrolled', false);

        // Contract monitoring opens on its summary, which fits a 1366 px
        // screen with its money: no sideways scrolling.
        await page.setViewportSize({ width: 1366, height: 900 });
        await page.goto(base + '/ccg/02E/view/summary');
        const summaryBox = page.locator('.table-wrap.scroll');
        check(await summaryBox.evaluate((e) => e.scrollWidth <= e.clientWidth),
              'at 1366 px the contract summary shows every column without scrolling sideways');
        const badges = await page.$$eval('tbody .rag', (b) => b.map((x) => x.textContent));
        check(badges.length > 0 && badges.every((t) => ['Red', 'Amber', 'Green'].includes(t)),
              'each contract has a status in words as well as colour');
        await shot('7-summary-1366', false);
        await Promise.all([page.waitForNavigation(), page.locator('tbody a', { hasText: /^R/ }).first().click()]);
        check(page.url().includes('/view/monitoring') && page.url().includes('f_provider='),
              "a contract's row opens its POD lines");
        const actual = page.locator('tbody a[href*="/records?"]').first();
        await Promise.all([page.waitForNavigation(), actual.click()]);
        check(page.url().includes('/ccg/02E/records?'), 'a POD line opens its records');
        await page.locator('details summary').first().click();
        check(/final price|not priced/.test(await page.locator('details[open] pre.why').first().textContent()),
              'a record explains its price on the page');
        await shot('8-records-explained', false);
        await page.goto(base + '/ccg/02E/view/summary');
        await page.selectOption('#money', 'thousands');
        await page.selectOption('#neg', 'brackets');
        await Promise.all([page.waitForNavigation(), page.click('form.table-filters button[type=submit]')]);
        check(page.url().includes('money=thousands') && (await page.textContent('thead')).includes('£000s'),
              'money can be shown in £000s, and the choice is in the URL');
        check((await page.getAttribute('tbody td.num[title]', 'title')).startsWith('£'),
              'a rounded amount has the exact one in its tooltip');
        await page.setViewportSize({ width: 1280, height: 900 });

        // Challenges are acted on by ticking rows, never by typing ids; a
        // refusal keeps the note and the ticks.
        await page.goto(base + '/ccg/02E/view/challenges');
        const ticks = page.locator('input[type=checkbox][form=challenge-action]');
        await ticks.nth(0).check();
        await ticks.nth(1).check();
        await Promise.all([page.waitForNavigation(), page.click('button[value=agreed]')]);
        check((await page.textContent('.error')).includes('a note saying why is required'),
              'agreeing without a note is refused, saying why');
        check(await page.locator('input[type=checkbox][form=challenge-action]:checked').count() === 2,
              'the refused selection is still ticked');
        await page.fill('#note', 'credited by the provider at the contract meeting');
        await Promise.all([page.waitForNavigation(), page.click('button[value=agreed]')]);
        check((await page.textContent('.panel[role=status]')).includes('2 challenges agreed'),
              'two ticked challenges are agreed with one note');
        await shot('9-challenges-agreed', false);
        // At 1366 px the £ at stake is on screen without scrolling the table.
        await page.setViewportSize({ width: 1366, height: 900 });
        await page.goto(base + '/ccg/02E/view/challenges');
        const stake = await page.locator('thead th', { hasText: '£ at stake' }).boundingBox();
        check(stake && stake.x + stake.width <= 1366, 'at 1366 px the £ at stake column is on screen');
        // A provider's challenges as a pack for the contract meeting.
        const firstProvider = await page.locator('#pack-provider option').first().getAttribute('value');
        await page.selectOption('#pack-provider', firstProvider);
        await Promise.all([page.waitForNavigation(), page.click('text=Open the pack')]);
        check((await page.textContent('h1')).startsWith('Challenge pack: ') &&
              (await page.textContent('h1')).includes(firstProvider), "the pack opens on the chosen provider");
        check((await page.textContent('main')).includes('Challenges by rule'), 'the pack sums the challenges by rule');
        await page.emulateMedia({ media: 'print' });
        check(!(await page.locator('nav').isVisible()), 'printed, the pack has no navigation');
        await shot('10-challenge-pack-print', false);
        await page.emulateMedia({ media: 'screen' });
        await page.setViewportSize({ width: 1280, height: 900 });

        await page.goto(base + '/ccg/02E/billing');
        check((await page.textContent('main')).includes('Cost per head a year'), 'the billing page shows the cost per head');
        await shot('5-billing');
        const invoice = page.locator('a', { hasText: 'INV-000001' });
        check(await invoice.count() === 1, 'the billing page lists the invoice');
        await Promise.all([page.waitForNavigation(), invoice.click()]);
        check((await page.textContent('h1')).includes('Invoice INV-000001') &&
              (await page.textContent('body')).includes('Total due'), 'the invoice opens as a printable document');
        await shot('6-invoice');
        await page.goto(base + '/ccg/02E');

        response = await page.goto(base + '/ccg/27D');
        check(response.status() === 404, "another CCG's page is not found");
      }

      await Promise.all([page.waitForNavigation(), page.click('text=Sign out')]);
      check(page.url().endsWith('/signin'), `${device}: signing out returns to the sign-in form`);
      await page.goto(base + '/ccg/02E');
      check(page.url().endsWith('/signin'), `${device}: after signing out the pages are closed`);
      await context.close();
    }

    // A CCG finance lead at 1366 px. Their role needs a second factor: the
    // first sign-in shows a key and asks for a code from it.
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const shot = (name) => page.screenshot({ path: path.join(artefacts, `finance-${name}.png`) });
    await page.goto(base + '/signin');
    await page.fill('#username', process.env.FINANCE_USER);
    await page.fill('#password', process.env.FINANCE_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const key = (await page.locator('code.secret').first().textContent()).trim();
    check(/^[A-Z2-7]+=*$/.test(key), 'finance: the first sign-in shows an authenticator key');
    await shot('1-enrol');
    await page.fill('#enrol-code', totp(key));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    check(page.url().endsWith('/ccg/02E'), 'finance: a code from the key finishes signing in');
    for (const view of ['summary', 'monitoring', 'nca', 'spend', 'flows', 'practices', 'ae', 'readmissions']) {
      const r = await page.goto(base + '/ccg/02E/view/' + view);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      check(r.status() === 200 && width <= 1366, `finance: ${view} opens and the page fits 1366 px (${width})`);
      await shot('2-' + view);
    }
    const records = await page.goto(base + '/ccg/02E/view/challenges');
    check(records.status() === 404, 'finance: record-level challenges are not shown to finance staff');
    // The CCG's ledger, kept by the CSU: the monthly position against budget.
    await page.goto(base + '/ccg/02E');
    await Promise.all([page.waitForNavigation(), page.click('nav[aria-label=Sections] >> text=Ledger')]);
    check(page.url().includes('/ccg/02E/ledger'), 'finance: the navigation opens the CCG\'s ledger');
    await page.goto(base + '/ccg/02E/ledger/position?period=2018-09');
    const position = await page.textContent('main');
    check(position.includes('Surplus (deficit) against plan') && position.includes('Running costs against the allowance'),
          'finance: the monthly position shows the surplus against plan and running costs against the allowance');
    check(await page.evaluate(() => document.documentElement.scrollWidth) <= 1366, 'finance: the position fits 1366 px');
    await shot('3-ledger-position');
    await page.goto(base + '/ccg/02E/ledger/budget?period=2018-09');
    check((await page.textContent('main')).includes('Forecast'), 'finance: budget monitoring shows the forecast outturn');
    const actuals = await page.$$eval('tbody tr', (rows) => rows.map((r) => r.cells[7] ? r.cells[7].textContent : ''));
    check(actuals.some((t) => /[1-9]/.test(t)), 'finance: budget monitoring has actuals from the posted journals');
    await shot('3-ledger-budget');
    await page.goto(base + '/ccg/02E/billing');
    check((await page.textContent('main')).includes('Cost per head a year'), 'finance: the billing page shows the cost per head');
    await shot('3-billing');
    await Promise.all([page.waitForNavigation(), page.click('text=Sign out')]);
    check(page.url().endsWith('/signin'), 'finance: signing out returns to the sign-in form');
    await context.close();

    // A data manager uploads an outpatient extract from the data-loads page:
    // the job page refreshes itself until the file is loaded, with its
    // quarantine summary; the same file again loads nothing.
    {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      const shot = (name) => page.screenshot({ path: path.join(artefacts, `upload-${name}.png`) });
      await page.goto(base + '/signin');
      await page.fill('#username', process.env.LOADER_USER);
      await page.fill('#password', process.env.LOADER_PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      const key = (await page.locator('code.secret').first().textContent()).trim();
      await page.fill('#enrol-code', totp(key));
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      const upload = async () => {
        await page.goto(base + '/data');
        await page.selectOption('#upload-kind', 'op');
        await page.setInputFiles('#upload-file', process.env.UPLOAD_FILE);
        await Promise.all([page.waitForNavigation(), page.click('text=Upload and load')]);
        check(/\/data\/uploads\/\d+$/.test(page.url()), 'upload: the form leads to the upload\'s own page');
        // The page refreshes itself (no script) until the load is done; the
        // test opens it again each second, and a read that races the page's
        // own refresh is simply tried again.
        const job = page.url();
        for (let i = 0; i < 120; i++) {
          let text = '';
          try {
            await page.goto(job);
            text = await page.textContent('main');
          } catch (e) {
            text = '';
          }
          if (/Loaded as batch|already loaded|Refused/.test(text)) return text;
          await new Promise((done) => setTimeout(done, 1000));
        }
        return await page.textContent('main');
      };
      const first = await upload();
      check(first.includes('Loaded as batch'), 'upload: the extract is loaded as a new batch');
      check(await page.evaluate(() => document.documentElement.scrollWidth) <= 1366, 'upload: the result fits 1366 px');
      await shot('1-loaded');
      const again = await upload();
      check(again.includes('already loaded'), 'upload: the same file again loads nothing');
      await shot('2-again');
      await context.close();
    }
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error('browser test: ' + e.message);
  process.exit(1);
});
