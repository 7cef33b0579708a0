// Signing in through the hospital's SSO in Chromium: the console's button leads to the
// stand-in IdP of the Rust test `console_sso`, which sends the browser back with a
// code; the console exchanges it and is signed in, with the code off the address bar
// and nothing left in the browser's storage. Environment: CONSOLE_URL, SCREENSHOTS,
// CHROMIUM.

import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const url = process.env.CONSOLE_URL;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
const failures = [];
try {
  const page = await (await browser.newContext({ locale: "zh-CN" })).newPage();
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  await page.goto(url);
  const sso = page.getByRole("button", { name: "使用医院统一身份认证登录" });
  await sso.waitFor();
  const axe = await new AxeBuilder({ page }).analyze();
  for (const v of axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
    failures.push(`sign-in: axe ${v.id}: ${v.help}`);
  }
  await sso.click();
  await page.getByRole("button", { name: "退出" }).waitFor();
  await page.getByRole("heading", { name: "待接单" }).waitFor();
  await page.screenshot({ path: `${shots}/signed-in-through-sso.png` });
  if (page.url() !== url) failures.push(`the address still holds the code: ${page.url()}`);
  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
  if (stored !== 0) failures.push("the sign-in left something in the browser's storage");
  if (!(await page.getByText("督导").first().isVisible())) failures.push("the supervisor's role is not shown");
} catch (error) {
  failures.push(`sso stopped: ${error.message}`);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  for (const f of failures) console.error(`FAILED ${f}`);
  process.exit(1);
}
console.log("sso: passed");
