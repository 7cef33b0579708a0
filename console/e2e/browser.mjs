// What the console's browser scripts share: Debian's Chromium launched headless, the
// checks every page gets (axe finds no serious or critical violation, nothing of a
// patient in the address bar or the browser's storage), and the verdict.

import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

/** The browser, and the list failures are collected in. */
export async function launch() {
  mkdirSync(process.env.SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox"],
  });
  return { browser, failures: [] };
}

/** A page in a fresh context, in Chinese, with its script errors counted as failures. */
export async function newPage(browser, failures, viewport = { width: 1280, height: 860 }) {
  const page = await (await browser.newContext({ locale: "zh-CN", viewport })).newPage();
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  return page;
}

/** Photographs `page` as `name` and checks it: axe, the address, the storage. */
export async function check(page, name, failures, url) {
  await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png`, fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  for (const v of results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
    failures.push(`${name}: axe ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(" ")}`);
  }
  if (page.url().replace(/\/$/, "") !== url.replace(/\/$/, "")) failures.push(`${name}: the address changed to ${page.url()}`);
  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
  if (stored !== 0) failures.push(`${name}: the browser stored something`);
}

/** Closes the browser and says `<script>: passed`, or lists the failures and exits 1. */
export async function finish(browser, failures, script) {
  await browser.close();
  if (failures.length > 0) {
    for (const f of failures) console.error(`FAILED ${f}`);
    process.exit(1);
  }
  console.log(`${script}: passed`);
}
