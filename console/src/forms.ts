// An assessment form as the server defines it (GetInstrument), filled in the
// browser: which questions are asked given the answers so far (skip logic), the
// checkbox questions (a group of yes/no items, one of them "none" that excludes the
// others; an unticked box is left out, as the contract says), and what is still
// unanswered. The scoring stays on the server.

import type { Instrument, InstrumentItem } from "./gen/yishe/assessment/v1/assessment_pb";

export type Answers = Record<string, number>;

export function items(form: Instrument): InstrumentItem[] {
  return form.sections.flatMap((s) => s.items);
}

/** Whether `item` is asked, given `answers`. */
export function isAsked(item: InstrumentItem, answers: Answers): boolean {
  const rule = item.shownIf;
  return !rule || answers[rule.itemId] === rule.value;
}

/** Drops the answers of questions no longer asked (a changed answer may skip others,
 * whose own dependants are then skipped too). */
function withoutSkipped(form: Instrument, answers: Answers): Answers {
  let current = answers;
  for (;;) {
    const kept: Answers = {};
    for (const item of items(form)) {
      if (item.itemId in current && isAsked(item, current)) kept[item.itemId] = current[item.itemId];
    }
    if (Object.keys(kept).length === Object.keys(current).length) return kept;
    current = kept;
  }
}

/** The answers after choosing `value` for a radio question. */
export function choose(form: Instrument, answers: Answers, itemId: string, value: number): Answers {
  return withoutSkipped(form, { ...answers, [itemId]: value });
}

/** The answers after ticking or unticking a checkbox: "none" clears the others of its
 * group, and any other box clears "none". */
export function tick(form: Instrument, answers: Answers, itemId: string, ticked: boolean): Answers {
  const item = items(form).find((i) => i.itemId === itemId);
  if (!item) return answers;
  const next: Answers = { ...answers };
  if (!ticked) {
    delete next[itemId];
    return withoutSkipped(form, next);
  }
  next[itemId] = 1;
  for (const other of items(form)) {
    if (other.choiceGroup !== item.choiceGroup || other.itemId === itemId) continue;
    if (item.exclusive || other.exclusive) delete next[other.itemId];
  }
  return withoutSkipped(form, next);
}

/** The questions still to answer: asked, required and unanswered radio questions, and
 * checkbox questions with no box ticked (by their group's name). */
export function unanswered(form: Instrument, answers: Answers): string[] {
  const missing: string[] = [];
  const groups = new Map<string, boolean>();
  for (const item of items(form)) {
    if (!isAsked(item, answers)) continue;
    if (item.choiceGroup) {
      groups.set(item.choiceGroup, (groups.get(item.choiceGroup) ?? false) || answers[item.itemId] === 1);
    } else if (!item.optional && !(item.itemId in answers)) {
      missing.push(item.itemId);
    }
  }
  for (const [group, ticked] of groups) if (!ticked) missing.push(group);
  return missing;
}

/** Checkbox questions as one question each, in form order: `[group, its items]`. */
export function groupsOf(itemsOfSection: InstrumentItem[]): (InstrumentItem | InstrumentItem[])[] {
  const out: (InstrumentItem | InstrumentItem[])[] = [];
  for (const item of itemsOfSection) {
    const last = out[out.length - 1];
    if (item.choiceGroup && Array.isArray(last) && last[0].choiceGroup === item.choiceGroup) {
      last.push(item);
    } else if (item.choiceGroup) {
      out.push([item]);
    } else {
      out.push(item);
    }
  }
  return out;
}
