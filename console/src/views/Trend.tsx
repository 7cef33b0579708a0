// Each instrument's totals over time as a small line chart (from two assessments on),
// with the numbers also in text for those who do not see the chart.

import type { Assessment } from "../gen/yishe/assessment/v1/assessment_pb";
import { useSession } from "../session";
import { localTime } from "../time";

export function Trend({ assessments }: { assessments: Assessment[] }) {
  const { settings } = useSession();
  const series = new Map<string, { time: string; total: number }[]>();
  for (const a of assessments) {
    for (const r of a.responses) {
      if (r.total === undefined) continue;
      const points = series.get(r.instrumentId) ?? [];
      points.push({ time: localTime(a.assessTime, settings.timeZone), total: r.total });
      series.set(r.instrumentId, points);
    }
  }
  return (
    <div className="trends">
      {[...series].map(([instrument, points]) => {
        const max = Math.max(...points.map((p) => p.total), 1);
        const step = points.length > 1 ? 200 / (points.length - 1) : 0;
        const coords = points.map((p, i) => `${10 + i * step},${70 - (p.total / max) * 60}`).join(" ");
        const words = points.map((p) => `${p.time}: ${p.total}`).join("; ");
        return (
          <figure key={instrument}>
            {points.length > 1 && (
              <svg width="220" height="80" role="img" aria-label={`${instrument}: ${words}`}>
                <polyline points={coords} fill="none" stroke="currentColor" strokeWidth="2" />
                {points.map((p, i) => (
                  <circle key={i} cx={10 + i * step} cy={70 - (p.total / max) * 60} r="3" />
                ))}
              </svg>
            )}
            <figcaption>
              {instrument}: {points.map((p) => p.total).join(" → ")}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
