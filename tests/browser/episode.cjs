// Opens an episode page in headless Chromium (Debian's, driven by
// playwright-core), checks the audio loads and a chapter click seeks the
// player, records every request, and saves a screenshot.
// Usage: node episode.cjs PAGE_URL SCREENSHOT_PATH   (prints one JSON line)
"use strict";
const path = require("path");
const { chromium } = require(path.join(__dirname, "../conformance/node_modules/playwright-core"));

async function main() {
  const [pageUrl, screenshot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
  const result = { requests: [], errors: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1500 } });
    page.on("request", (r) => result.requests.push(r.url()));
    page.on("pageerror", (e) => result.errors.push(String(e)));
    await page.goto(pageUrl, { waitUntil: "load" });
    await page.waitForFunction(() => {
      const a = document.querySelector("audio");
      return a && a.readyState >= 1 && a.duration > 0;
    }, null, { timeout: 15000 });
    result.duration = await page.evaluate(() => document.querySelector("audio").duration);
    const links = await page.$$eval(".chapter-link[data-start]", (ls) => ls.map((l) => parseFloat(l.dataset.start)));
    result.chapterStarts = links;
    const index = links.findIndex((s) => s > 0);
    result.clickedStart = links[index];
    await page.locator(".chapter-link[data-start]").nth(index).click();
    await page.waitForFunction((start) => {
      const a = document.querySelector("audio");
      return Math.abs(a.currentTime - start) < 1.0;
    }, result.clickedStart, { timeout: 10000 });
    result.currentTime = await page.evaluate(() => document.querySelector("audio").currentTime);
    await page.evaluate(() => document.querySelector("audio").pause());
    await page.waitForFunction(() => !!document.querySelector(".chapter-link[aria-current]"), null, { timeout: 5000 })
      .catch(() => {});
    result.currentChapter = await page.evaluate(() => {
      const c = document.querySelector(".chapter-link[aria-current]");
      return c ? parseFloat(c.dataset.start) : null;
    });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot });
  } catch (e) {
    result.errors.push(String(e && e.stack || e));
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => { console.log(JSON.stringify({ errors: [String(e)] })); process.exit(1); });
