// axe-core (npm) on every page type of a site, in light and dark colour
// schemes, at 1280 and 390 px, in headless Chromium. With a third argument,
// also saves a screenshot of each page type at both widths (light) there.
// Usage: node axe.cjs BASE_URL PATHS_JSON [SCREENSHOT_DIR]   (prints one JSON line)
"use strict";
const path = require("path");
const modules = path.join(__dirname, "../conformance/node_modules");
const { chromium } = require(path.join(modules, "playwright-core"));
const axePath = path.join(modules, "axe-core/axe.min.js");

async function main() {
  const [base, pathsJson, shots] = process.argv.slice(2);
  const pages = JSON.parse(pathsJson); // {name: path}
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const result = { violations: [], checked: [], errors: [], requests: [] };
  try {
    for (const scheme of ["light", "dark"]) {
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 }, reducedMotion: "reduce" });
        const page = await context.newPage();
        page.on("request", (r) => result.requests.push(r.url()));
        page.on("pageerror", (e) => result.errors.push(String(e)));
        for (const [name, rel] of Object.entries(pages)) {
          await page.goto(base + rel, { waitUntil: "load" });
          if (rel.startsWith("search/")) {
            await page.waitForSelector(".search-results li", { timeout: 5000 }).catch(() => {});
          }
          await page.addScriptTag({ path: axePath });
          const found = await page.evaluate(async () => {
            const r = await window.axe.run(document, { resultTypes: ["violations"] });
            return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary) }));
          });
          result.checked.push(name + " " + scheme + " " + width);
          for (const v of found) result.violations.push({ page: name, scheme, width, ...v });
          if (shots && scheme === "light") {
            await page.screenshot({ path: path.join(shots, name + "-" + width + ".png"), fullPage: width === 390 ? false : false });
          }
        }
        await context.close();
      }
    }
  } catch (e) {
    result.errors.push(String(e && e.stack || e));
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => { console.log(JSON.stringify({ errors: [String(e)] })); process.exit(1); });
