// Opens a page in headless Chromium and reports, for every run of text in
// the given scripts that the page draws, which fonts Chromium drew it with
// (DevTools' platform fonts for the node), then takes a screenshot:
//   node fonts.mjs URL SCREENSHOT.png Script [Script...]
// prints {"runs": [{"script", "text", "fonts": [{familyName, isCustomFont, glyphCount}]}],
//         "loaded": [font faces the page loaded], "outside": [requests to other hosts]}
// Scripts are Unicode script names as JavaScript's \p{Script=...} takes them.
import puppeteer from "puppeteer-core";

const [url, shot, ...scripts] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--font-render-hinting=none",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--allow-file-access-from-files", "--disable-lcd-text", "--force-color-profile=srgb"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 1200, deviceScaleFactor: 1 });
  const outside = [];
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("file:") && !u.startsWith("http://127.0.0.1") && !u.startsWith("data:")) outside.push(u);
  });
  await page.goto(url, { waitUntil: "load" });
  // Every run of the scripts' letters gets a span of its own, so that the
  // fonts reported for it are the fonts of those letters alone.
  const count = await page.evaluate((scripts) => {
    const classes = scripts.map((s) => [s, new RegExp(`[\\p{Script=${s}}\\p{Script=Inherited}]*\\p{Script=${s}}[\\p{Script=${s}}\\p{Script=Inherited}]*`, "gu")]);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    let n = 0;
    for (const node of nodes) {
      if (node.parentElement.closest("script, style, [hidden], details:not([open])")) continue;
      for (const [script, re] of classes) {
        const text = node.textContent;
        re.lastIndex = 0;
        if (!re.test(text)) continue;
        re.lastIndex = 0;
        const frag = document.createDocumentFragment();
        let last = 0;
        for (const m of text.matchAll(re)) {
          frag.append(text.slice(last, m.index));
          const span = document.createElement("span");
          span.dataset.run = script;
          span.textContent = m[0];
          frag.append(span);
          last = m.index + m[0].length;
          n++;
        }
        frag.append(text.slice(last));
        node.replaceWith(frag);
        break;
      }
    }
    return n;
  }, scripts);
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all(Array.from(document.fonts).filter((f) => f.status === "loading").map((f) => f.loaded.catch(() => null)));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
  await new Promise((r) => setTimeout(r, 1000));
  const cdp = await page.createCDPSession();
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
  const { nodeIds } = await cdp.send("DOM.querySelectorAll", { nodeId: root.nodeId, selector: "span[data-run]" });
  const runs = [];
  for (const nodeId of nodeIds) {
    const { node } = await cdp.send("DOM.describeNode", { nodeId, depth: 1 });
    const { attributes } = await cdp.send("DOM.getAttributes", { nodeId });
    const script = attributes[attributes.indexOf("data-run") + 1];
    const text = (node.children || []).map((c) => c.nodeValue || "").join("");
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    runs.push({ script, text, fonts });
  }
  const loaded = await page.evaluate(() => Array.from(document.fonts).filter((f) => f.status === "loaded").map((f) => `${f.family} ${f.weight}`));
  await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify({ count, runs, loaded, outside }));
} finally {
  await browser.close();
}
