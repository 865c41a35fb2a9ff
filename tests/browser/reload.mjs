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
  await page.waitForFunction((t) => document.body.innerText.includes(t), { timeout: 20000, polling: 100 }, text);
  const reloaded = await page.evaluate(() => window.polybookTestMarker !== true);
  console.log(JSON.stringify({ reloaded }));
} finally {
  await browser.close();
}
