// The web demo (`npm run demo -- --web`) in headless Chromium: Debian's /usr/bin/chromium driven by
// playwright-core (.ci/run installs it). Without it the test is skipped, loudly, with the reason.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServers } from '../scripts/demo-servers.ts';
import { startWebDemo } from '../scripts/demo-web.ts';
import { announceSkip } from './helpers/docker-engine.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Set to a folder to save the README's screenshots there: `WEB_DEMO_SCREENSHOTS=docs/images`. */
const SCREENSHOTS = process.env.WEB_DEMO_SCREENSHOTS;
const reason = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;
if (reason) announceSkip('the web demo in a browser', reason);

/** Runs in the page: 0 until the image has loaded and decoded. */
const naturalWidth = (img: unknown) => (img as { naturalWidth: number }).naturalWidth;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

describe.skipIf(reason !== undefined)('the web demo in a browser', () => {
  let demo: Awaited<ReturnType<typeof startDemoServers>>;
  let web: Awaited<ReturnType<typeof startWebDemo>>;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoServers('web-test');
    web = await startWebDemo(demo.deps);
    // Root in CI: Chromium's sandbox needs an unprivileged user.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await demo?.close();
  });

  it('autocompletes /alex completion, shows the card and pages with Next', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 860 } });
    await page.goto(web.url);
    const line = page.locator('#line');
    const suggestions = page.locator('#suggest li.choice');

    await line.pressSequentially('/alex completion');
    await expect.poll(() => suggestions.first().textContent()).toContain('/alex completion');
    await line.press('Enter'); // picks the subcommand; the caret lands in its required option
    await expect.poll(() => line.inputValue()).toBe('/alex completion artist:');
    await expect.poll(() => suggestions.count()).toBeGreaterThan(10); // the library's artists, A to Z

    await line.pressSequentially('Miles');
    const miles = suggestions.filter({ hasText: /^Miles Davis$/ });
    await miles.waitFor();
    await miles.click();
    // The box shows the name; the command gets the rating key (what Discord sends for a picked choice).
    await expect.poll(() => line.inputValue()).toBe('/alex completion artist:Miles Davis ');
    const sent = page.waitForRequest('**/api/run');
    await line.press('Enter');
    expect((await sent).postDataJSON()).toMatchObject({
      picks: { artist: { name: 'Miles Davis', value: expect.stringMatching(/^\d+$/) } },
    });

    const message = page.locator('article.message').last();
    const card = message.locator('.embed img.image');
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.evaluate(naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await message.locator('.content').textContent()).toMatch(
      /^You have listened to \d+% \(\d+\/\d+\) of Miles Davis's collection/,
    );
    expect(await message.locator('.embed .title').textContent()).toMatch(/^Miles Davis — \d+% complete$/);
    expect(await message.locator('.embed .footer').textContent()).toMatch(/^Page 1\/2 · /);
    const firstPage = await message.locator('.embed .field').nth(1).textContent();
    if (SCREENSHOTS) {
      await page.setViewportSize({ width: 900, height: 1400 });
      await screenshot(page, 'web-demo-card.png');
    }

    await message.getByRole('button', { name: 'Next ▶' }).click();
    const updated = page.locator('article.message').last();
    await expect.poll(() => updated.locator('.embed .footer').textContent()).toMatch(/^Page 2\/2 · /);
    expect(await updated.locator('.embed .field').nth(1).textContent()).not.toBe(firstPage);
    expect(await page.locator('article.message').count()).toBe(1); // edited in place, as Discord does
    expect(await updated.getByRole('button', { name: 'Next ▶' }).isDisabled()).toBe(true);
    const newCard = updated.locator('.embed img.image');
    await expect.poll(() => newCard.evaluate(naturalWidth)).toBeGreaterThan(0);

    // Autocomplete narrows as you type, over the conversation (the README's second screenshot).
    await line.pressSequentially('/alex compare artist:M');
    await expect.poll(() => suggestions.first().textContent()).toMatch(/^M/);
    expect(await suggestions.allTextContents()).toContain('Miles Davis');
    if (SCREENSHOTS) {
      await page.setViewportSize({ width: 900, height: 760 });
      await screenshot(page, 'web-demo-menu.png');
    }
  }, 90_000);

  it('answers a name that several artists match with a menu, and choosing one runs the completion', async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    const line = page.locator('#line');
    await line.fill('/alex completion artist:Mot');
    await line.press('Escape'); // sends the typed text, as a prefix command would, instead of a choice
    await line.press('Enter');
    const message = page.locator('article.message').last();
    await expect.poll(() => message.locator('.content').textContent()).toMatch(/^Several artists match/);
    await message.locator('.select > button').click();
    await message.getByRole('option', { name: 'Mötley Crüe' }).click();
    const updated = page.locator('article.message').last();
    await expect
      .poll(() => updated.locator('.embed .title').textContent(), { timeout: 30_000 })
      .toMatch(/^Mötley Crüe — \d+% complete$/);
    await expect.poll(() => updated.locator('.embed img.image').evaluate(naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator('article.message').count()).toBe(1);
  }, 60_000);
});
