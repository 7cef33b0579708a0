// The day of a supervisor and a social worker in a real browser (Debian's Chromium,
// driven by playwright-core) against a real Yishe server, started by the Rust test
// `console_journey`, which passes the addresses and keys in the environment:
//
//   CONSOLE_URL, SUPERVISOR_KEY, WORKER_KEY, WORKER_NAME, PATIENT, SCREENSHOTS,
//   CHROMIUM (default /usr/bin/chromium)
//
// A supervisor accepts and assigns a new referral; the social worker completes a
// PHQ-9 with item 9 answered and sees the alert; the supervisor, whose page stays
// open, sees the risk flag appear without reloading and acknowledges it. Every page
// is checked with axe (no serious or critical violation) and photographed; nothing
// of the patient may reach the address bar or the browser's storage.

import { check as checkPage, finish, launch, newPage } from "./browser.mjs";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const url = env("CONSOLE_URL");
const patient = env("PATIENT");
const workerName = env("WORKER_NAME");
env("SCREENSHOTS");
const { browser, failures } = await launch();
const check = (page, name) => checkPage(page, name, failures, url);
const step = (what) => console.log(`journey: ${what}`);

async function signedIn(key) {
  const page = await newPage(browser, failures);
  await page.goto(url);
  await page.getByLabel("个人密钥").fill(key);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "退出" }).waitFor();
  return page;
}

try {
  step("the sign-in page");
  const first = await newPage(browser, failures);
  await first.goto(url);
  await first.getByRole("heading", { name: "登录" }).waitFor();
  await check(first, "01-sign-in");

  step("the supervisor accepts the new referral");
  const supervisor = await signedIn(env("SUPERVISOR_KEY"));
  const row = supervisor.getByRole("row").filter({ hasText: patient });
  await row.first().waitFor();
  await check(supervisor, "02-inbox");
  await row.getByRole("button", { name: "接单" }).click();
  await supervisor.getByRole("status").filter({ hasText: `已接单：${patient}` }).waitFor();

  step("and assigns it");
  await supervisor.getByRole("row").filter({ hasText: patient }).getByRole("button", { name: "分派" }).click();
  const dialog = supervisor.getByRole("dialog");
  const option = await dialog.locator("option").filter({ hasText: workerName }).first().getAttribute("value");
  await dialog.getByLabel("社工").selectOption(option);
  await check(supervisor, "03-assign");
  await dialog.getByRole("button", { name: "分派" }).click();
  await supervisor.getByRole("status").filter({ hasText: `已分派给 ${workerName}` }).waitFor();

  step("the supervisor approves a service plan after reading it");
  await supervisor.getByRole("button", { name: "督导工作台" }).click();
  const card = supervisor.getByRole("article").filter({ hasText: "陈建国" });
  await card.waitFor();
  await check(supervisor, "04-supervision");
  await card.getByRole("button", { name: "批准" }).click();
  await supervisor.getByLabel("审批意见").fill("同意，请按计划推进");
  await supervisor.getByRole("dialog").getByRole("button", { name: "批准" }).click();
  await supervisor.getByRole("status").filter({ hasText: "已批准服务计划：陈建国" }).waitFor();
  await supervisor.getByText("没有待审批的服务计划。").waitFor();

  step("the supervisor watches the risk flags");
  await supervisor.getByRole("button", { name: "风险标记" }).click();
  await supervisor.getByText("没有待确认的风险标记。").waitFor();
  await supervisor.getByText("实时更新已连接").waitFor();

  step("the social worker opens the case");
  const worker = await signedIn(env("WORKER_KEY"));
  await worker.getByRole("button", { name: patient }).click();
  await worker.getByRole("heading", { name: `个案：${patient}` }).waitFor();
  await check(worker, "05-case");

  step("and completes a PHQ-9, item 9 answered, by keyboard where it counts");
  await worker.getByRole("button", { name: "新建评估" }).click();
  await worker.getByLabel("选择量表").selectOption("phq9");
  for (let i = 1; i <= 8; i++) await worker.locator(`#q-item${i} input[value="0"]`).check();
  // Item 9 by keyboard: focus its first choice, move to "1" with the arrow key.
  await worker.locator("#q-item9 input[value='0']").focus();
  await worker.keyboard.press("ArrowRight");
  if (!(await worker.locator("#q-item9 input[value='1']").isChecked())) failures.push("item 9 cannot be answered by keyboard");
  await check(worker, "06-phq9-form");
  await worker.getByRole("button", { name: "提交" }).click();
  const alert = worker.getByRole("alert").filter({ hasText: "风险已上报督导，转介已升为紧急" });
  await alert.waitFor();
  await check(worker, "07-risk-alert");
  // Back on the case page, the timeline has it, after the referral's arrival.
  await worker.getByRole("button", { name: "返回" }).last().click();
  const timeline = worker.locator("ol.timeline");
  await timeline.getByText("发现风险，已上报督导").waitFor();
  const entries = await timeline.locator("li").allTextContents();
  if (!entries[0]?.includes("收到转介")) failures.push(`the timeline does not start with the referral: ${entries}`);
  await check(worker, "07b-timeline");

  step("the supervisor sees the flag appear without reloading, and acknowledges it");
  const flag = supervisor.getByRole("row").filter({ hasText: patient });
  await flag.waitFor({ timeout: 15000 });
  if (!(await flag.textContent()).includes(workerName)) failures.push("the flag does not name the worker");
  await check(supervisor, "08-risk-flags");
  await flag.getByRole("button", { name: "确认" }).click();
  await supervisor.getByLabel("处理说明").fill("已与病区心理医生共同评估，制定安全计划");
  await supervisor.getByRole("dialog").getByRole("button", { name: "确认" }).click();
  await supervisor.getByRole("status").filter({ hasText: `已确认风险标记：${patient}` }).waitFor();
  await supervisor.getByText("没有待确认的风险标记。").waitFor();

  step("English, switched by the supervisor");
  await supervisor.getByRole("button", { name: "切换语言" }).click();
  await supervisor.getByRole("heading", { name: "Risk flags to acknowledge" }).waitFor();
  await check(supervisor, "09-english");
} catch (error) {
  failures.push(`journey stopped: ${error.message}`);
}
await finish(browser, failures, "journey");
