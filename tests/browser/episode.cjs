// Opens an episode page in headless Chromium (Debian's, driven by
// playwright-core), checks the audio loads and a chapter click seeks the
// player, records every request, and saves a screenshot.
// Then, when given the page's Markdown file, appends a line to it three times
// and times each edit until the open page (reloaded by serve's live-reload
// script) shows it.
// Usage: node episode.cjs PAGE_URL SCREENSHOT_PATH [MARKDOWN_FILE]
// (prints one JSON line)
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require(path.join(__dirname, "../conformance/node_modules/playwright-core"));

// Polls `fn(arg)` in the page every 100 ms until it is true or time runs out.
// (page.waitForFunction stalled now and then in headless Chromium here.)
async function waitFor(page, fn, arg, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await page.evaluate(fn, arg)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out after " + timeoutMs + " ms waiting for " + what);
}

async function main() {
  const [pageUrl, screenshot, markdownFile] = process.argv.slice(2);
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
    result.responses = [];
    page.on("response", (r) => result.responses.push(r.status() + " " + r.url()));
    page.on("requestfailed", (r) => result.responses.push("failed " + r.url() + " " + (r.failure() || {}).errorText));
    await page.goto(pageUrl, { waitUntil: "load" });
    const metadata = () => {
      const a = document.querySelector("audio");
      return !!a && a.readyState >= 1 && a.duration > 0;
    };
    await waitFor(page, metadata, null, 15000, "the audio's metadata");
    result.duration = await page.evaluate(() => document.querySelector("audio").duration);
    const links = await page.$$eval(".chapter-link[data-start]", (ls) => ls.map((l) => parseFloat(l.dataset.start)));
    result.chapterStarts = links;
    const index = links.findIndex((s) => s > 0);
    result.clickedStart = links[index];
    await page.locator(".chapter-link[data-start]").nth(index).click();
    await waitFor(page, (start) => {
      const a = document.querySelector("audio");
      return Math.abs(a.currentTime - start) < 1.0;
    }, result.clickedStart, 10000, "the player to seek");
    result.currentTime = await page.evaluate(() => document.querySelector("audio").currentTime);
    await page.evaluate(() => document.querySelector("audio").pause());
    await waitFor(page, () => !!document.querySelector(".chapter-link[aria-current]"), null, 5000, "the chapter highlight")
      .catch(() => {});
    result.currentChapter = await page.evaluate(() => {
      const c = document.querySelector(".chapter-link[aria-current]");
      return c ? parseFloat(c.dataset.start) : null;
    });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot });
    if (markdownFile) {
      result.liveEditMs = [];
      for (let i = 0; i < 3; i++) {
        const marker = "Live edit number " + i + " at " + Date.now();
        const started = Date.now();
        fs.appendFileSync(markdownFile, "\n\n" + marker + "\n");
        let shown = null;
        while (Date.now() - started < 10000) {
          try {
            if (await page.evaluate((m) => document.body.innerText.includes(m), marker)) {
              shown = Date.now() - started;
              break;
            }
          } catch (_) { /* the page is reloading */ }
          await new Promise((r) => setTimeout(r, 5));
        }
        result.liveEditMs.push(shown);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  } catch (e) {
    result.errors.push(String(e && e.stack || e));
    try {
      result.audioState = await browser.contexts()[0].pages()[0].evaluate(() => {
        const a = document.querySelector("audio");
        return a && { readyState: a.readyState, networkState: a.networkState, error: a.error && a.error.code, src: a.currentSrc };
      });
    } catch (_) { /* the page is gone */ }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => { console.log(JSON.stringify({ errors: [String(e)] })); process.exit(1); });
