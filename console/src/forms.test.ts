import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { InstrumentSchema } from "./gen/yishe/assessment/v1/assessment_pb";
import { choose, groupsOf, isAsked, items, tick, unanswered } from "./forms";

const yesNo = [
  { value: 0, label: "否" },
  { value: 1, label: "是" },
];

// The shape of the C-SSRS screener (q2 decides whether q3 to q5 are asked) and of the
// SSRS's checkbox question of where help came from.
const form = create(InstrumentSchema, {
  instrumentId: "demo",
  version: 2,
  sections: [
    {
      items: [
        { itemId: "q2", prompt: "thoughts", options: yesNo },
        { itemId: "q3", prompt: "method", options: yesNo, shownIf: { itemId: "q2", value: 1 } },
        { itemId: "q4", prompt: "intent", options: yesNo, shownIf: { itemId: "q3", value: 1 } },
        { itemId: "q6", prompt: "behaviour", options: yesNo },
        { itemId: "item6_none", prompt: "none", options: yesNo, optional: true, choiceGroup: "item6", exclusive: true },
        { itemId: "item6_spouse", prompt: "spouse", options: yesNo, optional: true, choiceGroup: "item6" },
        { itemId: "item6_work_unit", prompt: "work unit", options: yesNo, optional: true, choiceGroup: "item6" },
      ],
    },
  ],
});

describe("skip logic", () => {
  it("asks a question only after the answer it depends on", () => {
    const q3 = items(form)[1];
    expect(isAsked(q3, {})).toBe(false);
    expect(isAsked(q3, { q2: 1 })).toBe(true);
    expect(isAsked(q3, { q2: 0 })).toBe(false);
  });

  it("drops the answers of questions a changed answer skips, and theirs", () => {
    let answers = choose(form, {}, "q2", 1);
    answers = choose(form, answers, "q3", 1);
    answers = choose(form, answers, "q4", 0);
    expect(answers).toEqual({ q2: 1, q3: 1, q4: 0 });
    expect(choose(form, answers, "q2", 0)).toEqual({ q2: 0 });
  });
});

describe("checkbox questions", () => {
  it("lets 'none' exclude the other boxes, and any box clear 'none'", () => {
    let answers = tick(form, {}, "item6_spouse", true);
    answers = tick(form, answers, "item6_work_unit", true);
    expect(answers).toEqual({ item6_spouse: 1, item6_work_unit: 1 });
    answers = tick(form, answers, "item6_none", true);
    expect(answers).toEqual({ item6_none: 1 });
    answers = tick(form, answers, "item6_spouse", true);
    expect(answers).toEqual({ item6_spouse: 1 });
    expect(tick(form, answers, "item6_spouse", false)).toEqual({});
  });

  it("groups a checkbox question's boxes together", () => {
    const grouped = groupsOf(items(form));
    expect(grouped).toHaveLength(5);
    expect(Array.isArray(grouped[4]) && grouped[4].map((i) => i.itemId)).toEqual([
      "item6_none",
      "item6_spouse",
      "item6_work_unit",
    ]);
  });
});

describe("what is left to answer", () => {
  it("names unanswered asked questions and groups with nothing ticked", () => {
    expect(unanswered(form, {})).toEqual(["q2", "q6", "item6"]);
    expect(unanswered(form, { q2: 1, q6: 0, item6_none: 1 })).toEqual(["q3"]);
    expect(unanswered(form, { q2: 0, q6: 0, item6_spouse: 1 })).toEqual([]);
  });
});
