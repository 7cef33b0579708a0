import { describe, expect, it } from "vitest";
import { localTime, timeLeft } from "./time";
import { missingIn } from "./i18n";

const at = (iso: string) => ({ seconds: BigInt(Date.parse(iso) / 1000), nanos: 0 }) as never;

describe("times as the station reads them", () => {
  it("shows a time in the station's zone, whatever the browser's", () => {
    expect(localTime(at("2026-12-07T11:30:00Z"), "Asia/Shanghai")).toBe("2026-12-07 19:30");
    expect(localTime(at("2026-12-07T11:30:00Z"), "Asia/Urumqi")).toBe("2026-12-07 17:30");
  });

  it("says the time left, or how far past the deadline", () => {
    const now = Date.parse("2026-12-07T10:00:00Z");
    expect(timeLeft("zh-CN", at("2026-12-07T13:20:00Z"), now)).toEqual({ text: "剩余 3 小时 20 分", overdue: false });
    expect(timeLeft("en", at("2026-12-07T09:15:00Z"), now)).toEqual({ text: "45 min overdue", overdue: true });
    expect(timeLeft("zh-CN", at("2026-12-09T11:00:00Z"), now)?.text).toBe("剩余 2 天 1 小时");
  });
});

describe("the message catalogue", () => {
  it("has every message in English too", () => {
    expect(missingIn("en")).toEqual([]);
  });
});

describe("bands in words", () => {
  it("says a known band in the person's language and keeps an unknown one", async () => {
    const { bandName } = await import("./i18n");
    expect(bandName("zh-CN", "moderately severe")).toBe("中重度");
    expect(bandName("en", "moderately severe")).toBe("moderately severe");
    expect(bandName("zh-CN", "station-own")).toBe("station-own");
  });
});
