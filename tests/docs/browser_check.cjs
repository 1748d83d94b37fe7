// Loads the reference in headless Chromium (scripts/docs.sh): the main page,
// every guide page (docs/*.md) and the pages of
// mailslot::server, mailslot::client, mailslot::thread_pool_reader,
// mailslot::name and mailslot::error. Fails
// on a page that is missing, a console error, an uncaught page error, a
// request that fails, or a page without its title; keeps screenshots of the
// main page and one guide page.
//
//   MAILSLOT_PLAYWRIGHT=<playwright-core> node browser_check.cjs HTML_DIR GUIDE_DIR SHOTS_DIR
// Chromium: MAILSLOT_CHROMIUM, else /usr/bin/chromium.
'use strict';

const fs = require('fs');
const path = require('path');
const url = require('url');

const [htmlDir, guideDir, shotsDir] = process.argv.slice(2);
if (!htmlDir || !guideDir || !shotsDir || !process.env.MAILSLOT_PLAYWRIGHT) {
  console.error('usage: MAILSLOT_PLAYWRIGHT=<dir> node browser_check.cjs HTML_DIR GUIDE_DIR SHOTS_DIR');
  process.exit(2);
}
const { chromium } = require(path.resolve(process.env.MAILSLOT_PLAYWRIGHT));

// The guide's pages: [file, html page], the page named as
// docs/doxygen_filter.py names it (the file's name, `-` made `_`).
function guidePages() {
  return fs.readdirSync(guideDir).filter((f) => f.endsWith('.md')).sort().map((f) => {
    const name = f.slice(0, -3);
    return [f, name === 'index' ? 'index.html' : `${name.replace(/-/g, '_')}.html`];
  });
}

async function main() {
  const pages = [['the main page', 'index.html']];
  for (const [file, page] of guidePages()) {
    if (page !== 'index.html') pages.push([`docs/${file}`, page]);
  }
  pages.push(['mailslot::server', 'classmailslot_1_1server.html'],
             ['mailslot::client', 'classmailslot_1_1client.html'],
             ['mailslot::thread_pool_reader', 'classmailslot_1_1thread__pool__reader.html'],
             // (Doxygen once dropped these two without a warning.)
             ['mailslot::name', 'classmailslot_1_1name.html'],
             ['mailslot::error', 'classmailslot_1_1error.html']);
  const shots = { 'index.html': 'main-page.png' };
  const firstGuide = pages.find(([what]) => what.startsWith('docs/'));
  if (firstGuide) shots[firstGuide[1]] = 'guide-page.png';

  fs.mkdirSync(shotsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.MAILSLOT_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    let current = '';
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${current}: console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${current}: page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`${current}: request failed: ${request.url()} (${request.failure().errorText})`));
    for (const [what, file] of pages) {
      current = `${what} (${file})`;
      const full = path.join(htmlDir, file);
      if (!fs.existsSync(full)) {
        problems.push(`${current}: the page is missing`);
        continue;
      }
      await page.goto(url.pathToFileURL(full).href, { waitUntil: 'load' });
      const title = (await page.locator('div.headertitle, div.title').first().textContent()) || '';
      if (!title.trim()) problems.push(`${current}: no title`);
      if (shots[file]) {
        await page.screenshot({ path: path.join(shotsDir, shots[file]), fullPage: false });
      }
      console.log(`browser: ${what}: "${title.trim()}"`);
    }
  } finally {
    await browser.close();
  }
  for (const problem of problems) console.error(`browser: ${problem}`);
  if (problems.length) {
    console.error(`browser: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`browser: ${pages.length} pages loaded with no error; screenshots in ${shotsDir}`);
}

main().catch((error) => {
  console.error(`browser: ${error.stack || error}`);
  process.exit(1);
});
