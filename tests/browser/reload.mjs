// Opens a page served by `polybook serve`, says "ready", then waits until the
// page shows TEXT without anyone touching it, and reports whether it was
// reloaded by itself:  node reload.mjs URL TEXT
import puppeteer from "puppeteer-core";

const [url, text] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => { window.polybookTestMarker = true; });
  console.log("ready");
  // Asked again every 100 ms from here rather than with waitForFunction,
  // whose wait does not always carry over to the page that a reload loads.
  let reloaded = null;
  for (let waited = 0; waited < 20000 && reloaded === null; waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
    try {
      if (await page.evaluate((t) => document.body.innerText.includes(t), text)) {
        reloaded = await page.evaluate(() => window.polybookTestMarker !== true);
      }
    } catch {
      // The page is being replaced by its reload: ask again.
    }
  }
  if (reloaded === null) throw new Error(`the page did not show "${text}" within 20 s`);
  console.log(JSON.stringify({ reloaded }));
} finally {
  await browser.close();
}
