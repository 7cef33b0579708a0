// Signing in through the hospital's SSO in Chromium: the console's button leads to the
// stand-in IdP of the Rust test `console_sso`, which sends the browser back with a
// code; the console exchanges it and is signed in, with the code off the address bar
// and nothing left in the browser's storage. Environment: CONSOLE_URL, SCREENSHOTS,
// CHROMIUM.

import { check, finish, launch, newPage } from "./browser.mjs";

const url = process.env.CONSOLE_URL;
const { browser, failures } = await launch();
try {
  const page = await newPage(browser, failures);
  await page.goto(url);
  const sso = page.getByRole("button", { name: "使用医院统一身份认证登录" });
  await sso.waitFor();
  await check(page, "sign-in-with-sso", failures, url);
  await sso.click();
  await page.getByRole("button", { name: "退出" }).waitFor();
  await page.getByRole("heading", { name: "待接单" }).waitFor();
  // The code is off the address bar, and nothing is left in the storage.
  await check(page, "signed-in-through-sso", failures, url);
  if (!(await page.getByText("督导").first().isVisible())) failures.push("the supervisor's role is not shown");
} catch (error) {
  failures.push(`sso stopped: ${error.message}`);
}
await finish(browser, failures, "sso");
