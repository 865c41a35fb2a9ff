// Opens a page in headless Chromium, types a query into the search box and
// prints what the reader would get, as JSON:
//   node search.mjs URL QUERY
// {"status": "...", "results": [{"href", "resolved", "text", "marked"}],
//  "indexes": [index files loaded], "keyboard": {...}, "outside": [...]}
import puppeteer from "puppeteer-core";

const [url, query] = process.argv.slice(2);
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
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector(".search:not([hidden]) input", { timeout: 10000 });
  await page.focus("#search-input");
  await page.keyboard.type(query);
  await page.waitForFunction(() => document.querySelector(".search-status").textContent.trim() !== "", { timeout: 10000 });
  const result = await page.evaluate(() => ({
    status: document.querySelector(".search-status").textContent,
    results: Array.from(document.querySelectorAll(".search-results a")).map((a) => ({
      href: a.getAttribute("href"),
      resolved: a.href,
      text: a.textContent,
      marked: Array.from(a.querySelectorAll("mark")).map((m) => m.textContent),
    })),
    // The index files the page loaded.
    indexes: Array.from(document.querySelectorAll("script[src*='search-index']")).map((s) => s.getAttribute("src")),
  }));
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
  console.log(JSON.stringify({ ...result, keyboard, outside }));
} finally {
  await browser.close();
}
