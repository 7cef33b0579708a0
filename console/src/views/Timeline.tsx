// A case's timeline (timeline.ts), oldest first, in the station's local time.

import { bandName, hasMessage } from "../i18n";
import { useSession } from "../session";
import { localTime } from "../time";
import { timeline, type CaseRecord } from "../timeline";

export function Timeline({ record }: { record: CaseRecord }) {
  const { t, settings, locale } = useSession();
  const moments = timeline(record, (band) => bandName(locale, band));
  // A parameter that is itself a message (a purpose, an outcome) is said in words too.
  const words = (params: Record<string, string | number>) =>
    Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, typeof v === "string" && hasMessage(v) ? t(v) : v]),
    );
  return (
    <ol className="timeline">
      {moments.map((m, i) => (
        <li key={i}>
          <time>{localTime(m.at, settings.timeZone)}</time> {t(m.key, words(m.params))}
        </li>
      ))}
    </ol>
  );
}
