// Opens a page in headless Chromium, types a query into the search box and
// prints what the reader would get, once every result's snippet is in, as
// JSON:
//   node search.mjs URL QUERY [hold]
// {"status": "...", "results": [{"href", "resolved", "text", "title",
//  "snippet", "marked"}], "indexes": [index files loaded], "texts": [chunks
//  of shown text loaded], "keyboard": {...}, "outside": [...], "early": ...}
// With `hold` (over HTTP only), the chunks of shown text are held back until
// the results are first shown, and "early" is what they showed then.
import puppeteer from "puppeteer-core";

const [url, query, mode] = process.argv.slice(2);
const hold = mode === "hold";
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--allow-file-access-from-files"],
});
try {
  const page = await browser.newPage();
  const outside = [];
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("file:") && !u.startsWith("http://127.0.0.1") && !u.startsWith("data:")) outside.push(u);
  });
  const held = [];
  let holding = hold;
  if (hold) {
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      if (holding && r.url().includes("/search-text-")) held.push(r);
      else r.continue();
    });
  }
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector(".search:not([hidden]) input", { timeout: 10000 });
  await page.focus("#search-input");
  await page.keyboard.type(query);
  await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() !== "", { timeout: 10000 });
  const results = () => Array.from(document.querySelectorAll(".search-results a")).map((a) => ({
    href: a.getAttribute("href"),
    resolved: a.href,
    text: a.textContent,
    title: a.querySelector(".search-title").textContent,
    snippet: a.querySelector(".search-snippet").textContent,
    pending: a.querySelector(".search-snippet").classList.contains("pending"),
    marked: Array.from(a.querySelectorAll("mark")).map((m) => m.textContent),
  }));
  let early = null;
  if (hold) {
    // Once the chunks have been asked for, what the results show without them.
    await page.waitForFunction(() => document.querySelectorAll("script[src*='search-text']").length > 0, { timeout: 10000 });
    early = await page.evaluate(results);
    holding = false;
    for (const r of held) r.continue();
  }
  await page.waitForFunction(() => document.querySelectorAll(".search-results .pending").length === 0, { timeout: 10000 });
  const result = await page.evaluate(() => ({
    status: document.querySelector(".search-status").textContent,
    // The index files and chunks of shown text the page loaded.
    indexes: Array.from(document.querySelectorAll("script[src*='search-index']")).map((s) => s.getAttribute("src")),
    texts: Array.from(document.querySelectorAll("script[src*='search-text']")).map((s) => s.getAttribute("src")),
  }));
  result.results = await page.evaluate(results);
  // Keyboard: down to the first result, then Escape back to an empty box.
  let keyboard = null;
  if (result.results.length) {
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.getAttribute("href"));
    await page.keyboard.press("Escape");
    const after = await page.evaluate(() => ({
      results: document.querySelectorAll(".search-results a").length,
      focus: document.activeElement.id,
      value: document.querySelector("#search-input").value,
    }));
    keyboard = { focused, after };
  }
  console.log(JSON.stringify({ ...result, keyboard, outside, early }));
} finally {
  await browser.close();
}
