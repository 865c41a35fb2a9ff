// Opens the home page of an unzipped bundle in headless Chromium and prints,
// as JSON, what a reader sees of its dates:
//   node bundle.mjs URL
// {"dates": "text of the dates", "expiredShown": bool, "outside": [...], "errors": [...]}
import puppeteer from "puppeteer-core";

const [url] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const outside = [];
  const errors = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) outside.push(r.url());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("failed: " + r.url()));
  await page.goto(url, { waitUntil: "load" });
  const result = await page.evaluate(() => {
    const box = document.querySelector("[data-valid-until]");
    const notice = box && box.querySelector(".bundle-expired");
    return {
      dates: box ? box.textContent.trim() : null,
      expiredShown: !!notice && !notice.hidden,
    };
  });
  console.log(JSON.stringify({ ...result, outside, errors }));
} finally {
  await browser.close();
}
