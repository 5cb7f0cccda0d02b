// The listening experience in headless Chromium (Debian's, driven by
// playwright-core), on the demo site served by `podsmith serve`, its first
// episode given 90 s of audio, a `[0:42]` timestamp and a transcript:
// playback goes on across two navigations (the audio's currentTime keeps
// increasing, never back to 0, and the document is never reloaded), Back and
// Forward restore the right pages, a timestamp and a transcript cue seek,
// Share copies the link with #t=, the position is offered on return, an
// episode heard to the end is marked as played, search finds an episode by
// a word only its transcript holds; the meta line and supporters' names
// wrap cleanly at 390 px; every request goes to the site's own host.
// Usage: node listen.cjs BASE_URL SHOTS_DIR   (prints one JSON line)
"use strict";
const path = require("path");
const { chromium } = require(path.join(__dirname, "../conformance/node_modules/playwright-core"));

async function waitFor(page, fn, arg, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try { if (await page.evaluate(fn, arg)) return; } catch (_) { /* navigating */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out after " + timeoutMs + " ms waiting for " + what);
}

async function main() {
  const [base, shots] = process.argv.slice(2);
  const ep1 = base + "episodes/001-the-envelope-problem/";
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required"],
  });
  const result = { requests: [], errors: [], checks: {} };
  const check = (name, ok, detail) => { result.checks[name] = ok ? true : "FAILED: " + JSON.stringify(detail); };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
    const page = await context.newPage();
    page.on("request", (r) => result.requests.push(r.url()));
    page.on("pageerror", (e) => result.errors.push(String(e)));
    const time = () => page.evaluate(() => document.querySelector("audio").currentTime);

    // The episode page: its own player, the duration the page shows.
    await page.goto(ep1, { waitUntil: "load" });
    await waitFor(page, () => { const a = document.querySelector("audio"); return a && a.duration > 0; }, null, 15000, "metadata");
    const durations = await page.evaluate(() => {
      const shown = Array.from(document.querySelectorAll(".episode-meta span")).map((s) => s.textContent).find((t) => /^\d+:\d\d$/.test(t));
      return { shown, player: window.podsmith.clock(document.querySelector("audio").duration),
        controls: !!document.querySelector(".player-card .pc-play"), native: !!document.querySelector("main audio") };
    });
    check("page and player show the same duration", durations.shown === durations.player && durations.controls && !durations.native, durations);

    // Play, then two navigations by clicking links: the audio goes on.
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.click(".player-card .pc-play");
    await waitFor(page, () => document.querySelector("audio").currentTime > 1, null, 10000, "playback");
    const samples = [];
    const sampler = setInterval(() => { time().then((t) => samples.push(t)).catch(() => {}); }, 100);
    await page.click(".site-header nav a[href$='/archive/']");
    await waitFor(page, () => location.pathname.endsWith("/archive/") && document.querySelector("main h1").textContent.includes("Archive"), null, 5000, "the archive");
    await new Promise((r) => setTimeout(r, 800));
    await page.click("main .archive-list a[href*='002-']");
    await waitFor(page, () => location.pathname.includes("/002-") && !!document.querySelector("main .player-card .pc"), null, 5000, "episode 2");
    await new Promise((r) => setTimeout(r, 800));
    clearInterval(sampler);
    const after = await page.evaluate(() => ({
      same: window.__sameDocument === true, playing: !document.querySelector("audio").paused,
      bar: !!document.querySelector(".player-bar .pc-play.on"), title: document.title,
      barTitle: (document.querySelector(".player-bar .bar-title") || {}).textContent }));
    const increasing = samples.length > 10 && samples.every((t, i) => t > 0 && (i === 0 || t >= samples[i - 1]));
    check("playback goes on across two navigations", increasing && after.same && after.playing && after.bar
      && samples[samples.length - 1] > samples[0] + 1 && after.barTitle === "The envelope problem" && after.title.startsWith("Your browser has a face"),
      { samples, after });

    // Back and Forward.
    await page.goBack();
    await waitFor(page, () => location.pathname.endsWith("/archive/") && document.querySelector("main h1").textContent.includes("Archive"), null, 5000, "back to the archive");
    const back = await page.evaluate(() => ({ same: window.__sameDocument === true, title: document.title }));
    await page.goForward();
    await waitFor(page, () => location.pathname.includes("/002-") && document.querySelector("main h1").textContent.includes("Your browser"), null, 5000, "forward to episode 2");
    const forward = await page.evaluate(() => ({ same: window.__sameDocument === true, title: document.title, playing: !document.querySelector("audio").paused }));
    check("Back and Forward restore the right pages", back.same && back.title.startsWith("Archive") && forward.same && forward.title.startsWith("Your browser") && forward.playing, { back, forward });

    // Back on episode 1 (by its link): a [0:42] timestamp in the notes seeks.
    await page.click("main a[rel=prev], main a.older");
    await waitFor(page, () => location.pathname.includes("/001-") && !!document.querySelector("main a.timestamp"), null, 5000, "episode 1");
    await page.click("main a.timestamp");
    await waitFor(page, () => Math.abs(document.querySelector("audio").currentTime - 42) < 2, null, 5000, "the timestamp's seek");
    check("a [0:42] timestamp seeks", Math.abs((await time()) - 42) < 2 && (await page.evaluate(() => window.__sameDocument)), await time());

    // A transcript cue seeks, and becomes the current one.
    const cue = await page.evaluate(() => {
      const links = document.querySelectorAll(".transcript a.cue-time"), link = links[links.length - 1];
      return link && { href: link.getAttribute("href"), start: parseFloat(link.getAttribute("href").split("#t=")[1]) };
    });
    if (cue) {
      await page.click(".transcript a[href='" + cue.href + "']");
      await waitFor(page, (s) => Math.abs(document.querySelector("audio").currentTime - s) < 2, cue.start, 5000, "the cue's seek");
      await waitFor(page, (s) => { const c = document.querySelector(".transcript [aria-current]"); return c && parseFloat(c.dataset.start) === s; }, cue.start, 5000, "the current cue");
      check("a transcript cue seeks", cue.start === 50, cue);
    } else check("a transcript cue seeks", false, "no transcript on the page");

    // Share: the link with #t= at the current time, through the clipboard.
    await page.evaluate(() => { const a = document.querySelector("audio"); a.currentTime = 30; a.pause(); });
    await waitFor(page, () => document.querySelector("audio").paused, null, 3000, "pause");
    await page.check("[data-share-time]");
    await page.click("[data-share-copy]");
    await waitFor(page, () => document.querySelector(".share [role=status]").textContent.length > 0, null, 3000, "the copy");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    check("Share copies the link with #t=", copied === ep1 + "#t=30", copied);

    // Resume: the position is offered after a full reload.
    await page.reload({ waitUntil: "load" });
    await waitFor(page, () => !!document.querySelector(".pc-resume"), null, 5000, "the resume button");
    const offer = await page.textContent(".pc-resume");
    await page.click(".pc-resume");
    await waitFor(page, () => !document.querySelector("audio").paused && Math.abs(document.querySelector("audio").currentTime - 30) < 2, null, 5000, "resumed playback");
    check("resume offers the last position", /0:30/.test(offer), offer);

    // Heard to the end: marked as played on the home page.
    await page.evaluate(() => { const a = document.querySelector("audio"); a.currentTime = a.duration - 0.5; });
    await waitFor(page, () => document.querySelector("audio").ended, null, 8000, "the end");
    await page.click(".site-title");
    await waitFor(page, (u) => !!document.querySelector("[data-episode='" + u + "'].is-played"), ep1, 5000, "the played mark");
    check("a finished episode is marked as played", true);

    // Search: a word only the transcript holds.
    await page.goto(base + "search/?q=zeppelinfish", { waitUntil: "load" });
    await waitFor(page, () => document.querySelectorAll(".search-results li").length > 0, null, 5000, "search results")
      .catch(() => {});
    const found = await page.evaluate(() => Array.from(document.querySelectorAll(".search-results li a")).map((a) => a.getAttribute("href")));
    check("search finds an episode by a word only its transcript holds", found.length === 1 && found[0] === ep1, found);

    // The header's search field, from an episode page: the search page, in
    // the same document, with the result highlighted.
    await page.goto(ep1, { waitUntil: "load" });
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.fill("#site-search-q", "passkeys");
    await page.press("#site-search-q", "Enter");
    await waitFor(page, () => document.querySelectorAll(".search-results li").length > 0, null, 5000, "header search results");
    const header = await page.evaluate(() => ({ same: window.__sameDocument === true, url: location.pathname + location.search,
      marks: Array.from(document.querySelectorAll(".search-results mark")).map((m) => m.textContent.toLowerCase()) }));
    check("the header's search field finds episodes", header.same && header.url === "/search/?q=passkeys" && header.marks.includes("passkeys"), header);

    // Without JavaScript: the native player, and the search page offers the archive.
    const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const noJs = await plain.newPage();
    noJs.on("request", (r) => result.requests.push(r.url()));
    await noJs.goto(ep1, { waitUntil: "load" });
    const nativePlayer = await noJs.evaluate(() => !!document.querySelector("main audio[controls]"));
    await noJs.goto(base + "search/?q=x", { waitUntil: "load" });
    const offers = await noJs.isVisible("[data-search-nojs] a[href$='/archive/']");
    check("without JavaScript: the native player, and the archive from the search page", nativePlayer && offers, { nativePlayer, offers });
    await plain.close();

    // Narrow screens: no separator starts a line of the meta; names whole.
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(base + "supporters/", { waitUntil: "load" });
      const broken = await page.evaluate(() => {
        const bad = [];
        document.querySelectorAll(".supporter-list .name").forEach((name) => {
          const text = name.textContent, node = document.createRange();
          let at = 0;
          for (const word of text.split(" ")) {
            const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
            // The word's characters, wherever they are in the name's text nodes.
            let offset = 0, rects = new Set();
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              for (let i = 0; i < n.length; i++, offset++) {
                if (offset >= at && offset < at + word.length) {
                  node.setStart(n, i); node.setEnd(n, i + 1);
                  rects.add(Math.round(node.getBoundingClientRect().top));
                }
              }
            }
            if (rects.size > 1) bad.push(word);
            at += word.length + 1;
          }
        });
        return bad;
      });
      check("supporters' names break only between words at " + width + " px", broken.length === 0, broken);
      await page.goto(ep1, { waitUntil: "load" });
      // (Also with the text column narrowed to 220 px, so that the line wraps.)
      const stray = await page.evaluate(() => {
        const meta = document.querySelector("main .episode-meta");
        const run = () => {
          const column = document.querySelector("main h1").getBoundingClientRect().left, bad = [];
          let rows = new Set();
          Array.from(meta.children).forEach((item) => {
            const r = item.getBoundingClientRect(), dot = getComputedStyle(item, "::before").content;
            rows.add(Math.round(r.top));
            // An item starting a line: its separator shows when it is drawn in the column.
            if (dot !== "none" && dot !== "normal" && r.left < column + 2 && r.left >= column - 1) bad.push(item.textContent);
          });
          return { bad, rows: rows.size };
        };
        const natural = run();
        document.querySelector("main").style.maxWidth = "260px";
        const narrow = run();
        document.querySelector("main").style.maxWidth = "";
        return { natural, narrow };
      });
      check("no separator starts a meta line at " + width + " px", stray.natural.bad.length === 0 && stray.narrow.bad.length === 0 && stray.narrow.rows > 1, stray);
      await page.screenshot({ path: path.join(shots, "listen-episode-" + width + ".png") });
    }
  } catch (e) {
    result.errors.push(String(e && e.stack || e));
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => { console.log(JSON.stringify({ errors: [String(e)] })); process.exit(1); });
