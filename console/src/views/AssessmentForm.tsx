// An assessment filled in on the form the server defines (its wording, the
// station's licensed wording where configured): radio questions, checkbox questions,
// skip logic, all by keyboard. The server scores it; a risk it raises is said in a
// plain alert that stays on the page.

import { useEffect, useRef, useState } from "react";
import { RiskKind, type Assessment, type Instrument, type InstrumentItem } from "../gen/yishe/assessment/v1/assessment_pb";
import { choose, groupsOf, isAsked, items, tick, unanswered, type Answers } from "../forms";
import { bandName } from "../i18n";
import { useSession } from "../session";
import { Failure, useAction } from "./actions";

export function AssessmentForm({ referralId, onDone }: { referralId: string; onDone: () => void }) {
  const { clients, t, locale } = useSession();
  const [instruments, setInstruments] = useState<Instrument[]>([]);
  const [instrumentId, setInstrumentId] = useState("");
  const [form, setForm] = useState<Instrument | null>(null);
  const [answers, setAnswers] = useState<Answers>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [result, setResult] = useState<Assessment | null>(null);
  // One request id per filled form: a double submit or a retry replays, never doubles.
  // A new one only for another instrument or after a recorded assessment.
  const requestId = useRef(crypto.randomUUID());
  const action = useAction();

  useEffect(() => {
    clients.assessments.listInstruments({}).then((r) => setInstruments(r.instruments), action.fail);
  }, [clients, action.fail]);
  useEffect(() => {
    if (!instrumentId) return;
    requestId.current = crypto.randomUUID();
    setAnswers({});
    setResult(null);
    clients.assessments
      .getInstrument({ instrumentId })
      .then((r) => setForm(r.instrument ?? null), action.fail);
  }, [clients, instrumentId, action.fail]);

  const submit = () => {
    if (!form) return;
    const prompts = new Map(items(form).map((i) => [i.choiceGroup || i.itemId, i.prompt.split(": ")[0]]));
    const left = unanswered(form, answers).map((id) => prompts.get(id) ?? id);
    setMissing(left);
    if (left.length > 0) return;
    action.run(async () => {
      const done = await clients.assessments.submitAssessment({
        referralId,
        requestId: requestId.current,
        responses: [{ instrumentId: form.instrumentId, version: form.version, answers }],
      });
      requestId.current = crypto.randomUUID();
      setResult(done.assessment ?? null);
      return t("assess.saved");
    });
  };

  if (result) {
    return (
      <div className="result">
        <Failure action={action} />
        {result.responses.map((r) => (
          <p key={r.instrumentId} className="score">
            {r.total === undefined
              ? t("assess.resultNoTotal", { instrument: form?.title ?? r.instrumentId, band: bandName(locale, r.band) })
              : t("assess.result", {
                  instrument: form?.title ?? r.instrumentId,
                  total: r.total,
                  band: bandName(locale, r.band),
                })}
          </p>
        ))}
        {result.risks.length > 0 && (
          <div role="alert" className="risk-alert">
            <p className="headline">{t("risk.alert")}</p>
            <p>
              {t("risk.alertDetail", {
                kinds: result.risks.map((k) => t(`risk.${RiskKind[k]}` as never)).join("、"),
              })}
            </p>
          </div>
        )}
        <button type="button" onClick={onDone}>
          {t("action.back")}
        </button>
      </div>
    );
  }

  return (
    <form
      className="assessment"
      aria-labelledby="assess-title"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3 id="assess-title">{form ? t("assess.title", { instrument: form.title }) : t("action.assess")}</h3>
      <label htmlFor="instrument">{t("assess.choose")}</label>
      <select id="instrument" value={instrumentId} onChange={(e) => setInstrumentId(e.target.value)} autoFocus>
        <option value="" disabled>
          —
        </option>
        {instruments.map((i) => (
          <option key={i.instrumentId} value={i.instrumentId}>
            {i.title}
          </option>
        ))}
      </select>
      {form && (
        <>
          <p className="help">
            {t("assess.version", { version: form.version })}
            {form.wordingSource && ` · ${form.wordingSource}`}
          </p>
          {form.sections.map((section) => (
            <div key={section.sectionId} className="section">
              {section.title && <h4>{section.title}</h4>}
              {groupsOf(section.items).map((entry) =>
                Array.isArray(entry) ? (
                  <CheckboxQuestion
                    key={entry[0].choiceGroup}
                    items={entry.filter((i) => isAsked(i, answers))}
                    answers={answers}
                    onTick={(id, ticked) => setAnswers(tick(form, answers, id, ticked))}
                  />
                ) : (
                  isAsked(entry, answers) && (
                    <RadioQuestion
                      key={entry.itemId}
                      item={entry}
                      value={answers[entry.itemId]}
                      onChoose={(v) => setAnswers(choose(form, answers, entry.itemId, v))}
                    />
                  )
                ),
              )}
            </div>
          ))}
          {missing.length > 0 && (
            <p role="alert" className="failure">
              {t("assess.missing", { count: missing.length, items: missing.join("；") })}
            </p>
          )}
          <Failure action={action} />
          <button type="submit" disabled={action.busy}>
            {t("action.submit")}
          </button>
        </>
      )}
    </form>
  );
}

function RadioQuestion({
  item,
  value,
  onChoose,
}: {
  item: InstrumentItem;
  value: number | undefined;
  onChoose: (value: number) => void;
}) {
  const { t } = useSession();
  return (
    <fieldset className="question" id={`q-${item.itemId}`}>
      <legend>
        {item.prompt}
        {item.optional && t("assess.optional")}
      </legend>
      {item.options.map((o) => (
        <label key={o.value} className="choice">
          <input
            type="radio"
            name={item.itemId}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChoose(o.value)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** A checkbox question: its items' prompts read `question: box`. */
function CheckboxQuestion({
  items,
  answers,
  onTick,
}: {
  items: InstrumentItem[];
  answers: Answers;
  onTick: (itemId: string, ticked: boolean) => void;
}) {
  const { t } = useSession();
  if (items.length === 0) return null;
  const split = (prompt: string) => {
    const at = prompt.lastIndexOf(": ");
    return at < 0 ? ["", prompt] : [prompt.slice(0, at), prompt.slice(at + 2)];
  };
  const question = split(items[0].prompt)[0] || items[0].choiceGroup;
  return (
    <fieldset className="question" id={`q-${items[0].choiceGroup}`}>
      <legend>{question}</legend>
      {items.map((item) => (
        <label key={item.itemId} className="choice">
          <input
            type="checkbox"
            name={item.itemId}
            checked={answers[item.itemId] === 1}
            onChange={(e) => onTick(item.itemId, e.target.checked)}
          />
          {item.exclusive ? t("assess.none") : split(item.prompt)[1]}
        </label>
      ))}
    </fieldset>
  );
}
