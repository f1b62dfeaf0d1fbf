// Drives headless Chromium through the emulator's payment page like a customer:
// open payment_links.web, check the order is shown, click "Pay", land on the merchant's
// return_url handler and print what it says. Exits non-zero on anything unexpected.
//
// Usage: node scripts/browser/pay.cjs PAYMENT_LINK RETURN_HANDLER_URL SCREENSHOT.png
// Env:   PLAYWRIGHT_CORE  path of the installed playwright-core package
//        CHROMIUM         browser binary (default /usr/bin/chromium)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

async function main() {
  const [link, handler, screenshot] = process.argv.slice(2);
  if (!link || !handler || !screenshot) {
    throw new Error('usage: pay.cjs PAYMENT_LINK RETURN_HANDLER_URL SCREENSHOT.png');
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-chromium-'));
  // The flags this machine needs: no sandbox as root, and no background traffic to
  // Google's hosts (refused by the closed network).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 60_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(20_000);
    const opened = await page.goto(link);
    if (!opened || opened.status() !== 200) {
      throw new Error(`payment page answered ${opened && opened.status()}`);
    }
    const orderId = (await page.textContent('#order-id')).trim();
    const amount = (await page.textContent('#amount')).trim();
    console.log(`payment page: order ${orderId}, amount ${amount}`);
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${handler}/return?`)),
      page.click('#pay'),
    ]);
    const landed = new URL(page.url());
    for (const name of ['order_id', 'status', 'status_id', 'signature', 'signature_algorithm']) {
      if (!landed.searchParams.get(name)) throw new Error(`redirect lacks ${name}: ${landed}`);
    }
    console.log(`redirected to ${landed.origin}${landed.pathname} with status=${landed.searchParams.get('status')}`);
    const result = (await page.textContent('#result')).trim();
    console.log(`return handler says: ${result}`);
    await page.screenshot({ path: screenshot });
    if (!result.includes('is paid')) throw new Error(`the handler did not confirm payment: ${result}`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`browser: ${error.stack || error}`);
  process.exit(1);
});
