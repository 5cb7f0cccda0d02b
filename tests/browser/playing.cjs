// Screenshots of the player bar at work: an episode started on its page,
// then the archive opened by its link (the episode plays on in the bar).
// Usage: node playing.cjs BASE_URL SCREENSHOT_DIR   (docs/screenshots/make.sh)
"use strict";
const path = require("path");
const { chromium } = require(path.join(__dirname, "../conformance/node_modules/playwright-core"));

async function main() {
  const [base, shots] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(base + "episodes/002-your-browser-has-a-face/", { waitUntil: "load" });
      await page.click(".player-card .pc-play");
      await page.waitForFunction(() => document.querySelector("audio").currentTime > 1);
      await page.click(".site-header nav a[href$='/archive/']");
      await page.waitForFunction(() => location.pathname.endsWith("/archive/") && !!document.querySelector(".player-bar"));
      await page.waitForFunction(() => document.querySelector("audio").currentTime > 3);
      await page.evaluate(() => document.querySelector("audio").pause());
      await page.screenshot({ path: path.join(shots, "playing-" + width + ".png") });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
