// Times as the station reads them: in its own time zone (from the server's console
// settings, Asia/Shanghai by default), whatever the browser's zone, and durations
// in words ("剩余 3 小时 20 分").

import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { translate, type Locale } from "./i18n";

/** Milliseconds since the epoch of a protobuf timestamp; undefined when unset. */
export function millis(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
}

/** `2026-12-07 19:30` in `timeZone`. */
export function localTime(ts: Timestamp | undefined, timeZone: string): string {
  const ms = millis(ts);
  if (ms === undefined) return "";
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

/** A duration in words, to the minute. */
export function duration(locale: Locale, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return translate(locale, "duration.days", { d, h });
  if (h > 0) return translate(locale, "duration.hours", { h, m });
  return translate(locale, "duration.minutes", { m });
}

/** The time left until `deadline`, or how far past it, in words. */
export function timeLeft(
  locale: Locale,
  deadline: Timestamp | undefined,
  now: number,
): { text: string; overdue: boolean } | undefined {
  const ms = millis(deadline);
  if (ms === undefined) return undefined;
  const left = ms - now;
  return left >= 0
    ? { text: translate(locale, "deadline.left", { time: duration(locale, left) }), overdue: false }
    : { text: translate(locale, "deadline.over", { time: duration(locale, left) }), overdue: true };
}
