import { describe, expect, it } from "vitest";
import { advance } from "../../src/engine/advance.js";
import { createEngineState, MAX_HISTORY, parseEngineState } from "../../src/engine/state.js";
import type { Output } from "../../src/engine/types.js";
import { createFlowSet, createSession } from "../factories.js";

const flows = createFlowSet({
  main: {
    start: "menu",
    steps: {
      menu: {
        choices: [
          { label: "kita", next: "childcare.age" },
          { label: "info", next: "info" },
          { label: "person", next: "person" },
          { label: "bye", next: "bye" },
          { label: "size", next: "family.size" },
        ],
      },
      info: { facts: ["kindergeld"], next: "menu" },
      person: { handoff: { topic: "general" } },
      bye: { end: true },
    },
  },
  childcare: {
    start: "age",
    steps: {
      age: { ask: { type: "integer", min: 0, max: 17, save: "child_age" }, next: "route" },
      route: {
        branch: [
          { if: { var: "child_age", lt: 1 }, goto: "under_one" },
          {
            if: {
              all: [
                { var: "child_age", gte: 1 },
                { var: "child_age", lt: 3 },
              ],
            },
            goto: "toddler",
          },
          { else: "older" },
        ],
      },
      under_one: { facts: ["kita_right"], next: "works" },
      toddler: { next: "main.menu" },
      older: { goto: "main.menu" },
      works: { ask: { type: "yesno", save: "works" }, next: "works_route" },
      works_route: {
        branch: [
          { if: { not: { var: "works", eq: true } }, goto: "training" },
          { else: "main.menu" },
        ],
      },
      training: {
        ask: { type: "oneof", options: ["school", "dual", "none"], save: "training" },
        next: "postcode",
      },
      postcode: { ask: { type: "postcode", save: "plz" }, next: "note" },
      note: { ask: { type: "text", max_length: 20, save: "note" }, next: "main.menu" },
    },
  },
  family: {
    start: "size",
    steps: {
      size: { ask: { type: "integer", min: 1, max: 10, save: "children" }, next: "pick" },
      pick: {
        branch: [
          {
            if: {
              any: [
                { var: "children", eq: 1 },
                { var: "children", in: [2, 3] },
              ],
            },
            goto: "small",
          },
          { else: "large" },
        ],
      },
      small: { next: "main.menu" },
      large: { next: "main.menu" },
    },
  },
});

const types = (outputs: Output[]) => outputs.map((o) => o.type);
const steps = (outputs: Output[]) => outputs.map((o) => ("step" in o ? o.step : o.type));

describe("advance", () => {
  it("starts at the main menu with its buttons, and cannot go back from there", () => {
    const session = createSession(flows);
    const [menu] = session.send({ type: "start" });
    expect(menu).toMatchObject({
      type: "choices",
      step: "main.menu",
      isMain: true,
      canGoBack: false,
    });
    expect(menu?.type === "choices" && menu.buttons.map((b) => b.label.key)).toEqual([
      "menu.choices.kita",
      "menu.choices.info",
      "menu.choices.person",
      "menu.choices.bye",
      "menu.choices.size",
    ]);
    expect(session.state.at).toBe("main.menu");
  });

  it("say steps show their text and facts, then go straight on", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    const out = session.send({ type: "choose", step: "main.menu", index: 1 });
    expect(out[0]).toMatchObject({
      type: "say",
      step: "main.info",
      facts: ["kindergeld"],
      text: { ns: "main", key: "info.text" },
    });
    expect(out[1]).toMatchObject({ type: "choices", step: "main.menu" });
  });

  it("asks for an integer, re-asks with the range when the answer is invalid, and branches on it", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    const ask = session.send({ type: "choose", step: "main.menu", index: 0 });
    expect(ask[0]).toMatchObject({
      type: "ask",
      step: "childcare.age",
      answer: { type: "integer", min: 0, max: 17 },
    });

    for (const bad of ["zwanzig", "18", "-1", "2.5", ""]) {
      expect(session.send({ type: "text", value: bad })).toEqual([
        { type: "invalid", step: "childcare.age", reason: { kind: "integer", min: 0, max: 17 } },
      ]);
    }
    expect(session.state.at).toBe("childcare.age");

    const out = session.send({ type: "text", value: " 0 " });
    expect(steps(out)).toEqual(["childcare.under_one", "childcare.works"]);
    expect(session.state.a).toEqual({ child_age: 0 });
  });

  it("branches through all/any/not conditions and goto across flows", () => {
    const toddler = createSession(flows);
    toddler.send({ type: "start" });
    toddler.send({ type: "choose", step: "main.menu", index: 0 });
    expect(steps(toddler.send({ type: "text", value: "2" }))).toEqual([
      "childcare.toddler",
      "main.menu",
    ]);

    const older = createSession(flows);
    older.send({ type: "start" });
    older.send({ type: "choose", step: "main.menu", index: 0 });
    expect(steps(older.send({ type: "text", value: "9" }))).toEqual(["main.menu"]);

    const family = createSession(flows);
    family.send({ type: "start", flow: "family" });
    expect(steps(family.send({ type: "text", value: "3" }))).toEqual(["family.small", "main.menu"]);
    family.send({ type: "start", flow: "family" });
    expect(steps(family.send({ type: "text", value: "4" }))).toEqual(["family.large", "main.menu"]);
  });

  it("answers yes/no and one-of questions with buttons, and refuses typed text there", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    session.send({ type: "choose", step: "main.menu", index: 0 });
    const works = session.send({ type: "text", value: "0" })[1];
    expect(works?.type === "ask" && works.buttons.map((b) => b.label)).toEqual([
      { ns: "common", key: "answer.yes" },
      { ns: "common", key: "answer.no" },
    ]);
    expect(session.send({ type: "text", value: "ja" })).toEqual([
      { type: "invalid", step: "childcare.works", reason: { kind: "yesno" } },
    ]);
    const training = session.send({ type: "choose", step: "childcare.works", index: 1 });
    expect(training[0]).toMatchObject({ type: "ask", step: "childcare.training" });
    expect(training[0]?.type === "ask" && training[0].buttons[2]?.label).toEqual({
      ns: "childcare",
      key: "training.options.none",
    });
    expect(session.send({ type: "text", value: "dual" })[0]).toMatchObject({
      reason: { kind: "oneof" },
    });
    session.send({ type: "choose", step: "childcare.training", index: 1 });
    expect(session.state.a).toMatchObject({ works: false, training: "dual" });
  });

  it("checks German postcodes and short free text", () => {
    const session = createSession(flows);
    session.send({ type: "jump", step: "childcare.postcode" });
    expect(session.send({ type: "text", value: "1234" })[0]).toMatchObject({
      reason: { kind: "postcode" },
    });
    expect(session.send({ type: "text", value: "00123" })[0]).toMatchObject({
      reason: { kind: "postcode" },
    });
    expect(session.send({ type: "text", value: "59 494" })[0]).toMatchObject({
      step: "childcare.note",
    });
    expect(session.send({ type: "text", value: "   " })[0]).toMatchObject({
      reason: { kind: "text_empty" },
    });
    expect(session.send({ type: "text", value: "x".repeat(21) })[0]).toMatchObject({
      reason: { kind: "text_too_long", max: 20 },
    });
    session.send({ type: "text", value: "<b>Hallo</b>" });
    expect(session.state.a).toMatchObject({ plz: "59494", note: "<b>Hallo</b>" });
  });

  it("hands off and ends", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    const handoff = session.send({ type: "choose", step: "main.menu", index: 2 });
    expect(handoff).toEqual([
      expect.objectContaining({
        type: "handoff",
        topic: "general",
        step: "main.person",
        text: { ns: "main", key: "person.text" },
      }),
    ]);
    expect(session.state.at).toBe("main.menu");

    const end = session.send({ type: "choose", step: "main.menu", index: 3 });
    expect(types(end)).toEqual(["end"]);
    expect(session.state.at).toBeNull();
  });

  it("goes back step by step, and from the first step of a flow to the main menu", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    session.send({ type: "choose", step: "main.menu", index: 0 });
    session.send({ type: "text", value: "0" });
    session.send({ type: "choose", step: "childcare.works", index: 1 });
    expect(session.state.at).toBe("childcare.training");

    expect(steps(session.send({ type: "back" }))).toEqual(["childcare.works"]);
    expect(steps(session.send({ type: "back" }))).toEqual(["childcare.age"]);
    expect(steps(session.send({ type: "back" }))).toEqual(["main.menu"]);
    expect(steps(session.send({ type: "back" }))).toEqual(["main.menu"]);
    // A deep link straight into a question: back leads to the main menu.
    session.send({ type: "jump", step: "childcare.postcode" });
    session.send({ type: "restart" });
    session.send({ type: "jump", step: "childcare.postcode" });
    expect(steps(session.send({ type: "back" }))).toEqual(["main.menu"]);
  });

  it("returning to a menu already visited pops the history back to it", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    session.send({ type: "choose", step: "main.menu", index: 1 }); // info → back at the menu
    expect(session.state.hist).toEqual([]);
    session.send({ type: "choose", step: "main.menu", index: 0 });
    session.send({ type: "text", value: "5" }); // older → main.menu
    expect(session.state).toMatchObject({ at: "main.menu", hist: [] });
  });

  it("keeps the history bounded however long the conversation", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    for (let i = 0; i < 200; i++) {
      session.send({ type: "jump", step: i % 2 === 0 ? "childcare.postcode" : "childcare.note" });
    }
    expect(session.state.hist.length).toBeLessThanOrEqual(MAX_HISTORY);
    expect(JSON.stringify(session.state).length).toBeLessThan(1024);
  });

  it("restart forgets answers; show repeats the current step", () => {
    const session = createSession(flows);
    session.send({ type: "start", flow: "family" });
    session.send({ type: "text", value: "4" });
    expect(session.state.a).toEqual({ children: 4 });
    session.send({ type: "jump", step: "childcare.age" });
    expect(steps(session.send({ type: "show" }))).toEqual(["childcare.age"]);
    expect(steps(session.send({ type: "restart" }))).toEqual(["main.menu"]);
    expect(session.state).toMatchObject({ a: {}, hist: [], at: "main.menu" });
  });

  it("sends text that answers no question to the search", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    expect(session.send({ type: "text", value: "Wer zahlt den Fußballverein?" })).toEqual([
      { type: "search", query: "Wer zahlt den Fußballverein?" },
    ]);
  });

  it("tells the parent about outdated buttons and shows the menu", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    for (const input of [
      { type: "choose", step: "main.gone", index: 0 },
      { type: "choose", step: "main.menu", index: 99 },
      { type: "choose", step: "main.info", index: 0 },
      { type: "choose", step: "childcare.age", index: 0 },
      { type: "jump", step: "nowhere.at_all" },
    ] as const) {
      const out = session.send(input);
      expect(out[0]).toEqual({ type: "notice", notice: "button_outdated" });
      expect(out[1]).toMatchObject({ type: "choices", step: "main.menu" });
    }
  });

  it("an old button keeps working while its step exists", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    session.send({ type: "choose", step: "main.menu", index: 0 });
    session.send({ type: "text", value: "0" });
    // A tap on the main menu message from earlier in the chat.
    expect(steps(session.send({ type: "choose", step: "main.menu", index: 4 }))).toEqual([
      "family.size",
    ]);
  });

  it("puts the parent back at a sensible point when the flows change under a live session", () => {
    const session = createSession(flows);
    session.send({ type: "start" });
    session.send({ type: "choose", step: "main.menu", index: 0 });
    session.send({ type: "text", value: "0" });
    expect(session.state.at).toBe("childcare.works");

    // Deploy flows in which childcare.works is gone.
    const changed = createFlowSet(
      {
        main: {
          start: "menu",
          steps: { menu: { choices: [{ label: "kita", next: "childcare.age" }] } },
        },
        childcare: {
          start: "age",
          steps: {
            age: {
              ask: { type: "integer", min: 0, max: 17, save: "child_age" },
              next: "main.menu",
            },
          },
        },
      },
      "new-hash",
    );
    session.deploy(changed);
    const out = session.send({ type: "text", value: "ja" });
    expect(out[0]).toEqual({ type: "notice", notice: "content_changed" });
    expect(out[1]).toMatchObject({ type: "ask", step: "childcare.age" });
    expect(session.state).toMatchObject({
      h: "new-hash",
      at: "childcare.age",
      a: { child_age: 0 },
    });
  });

  it("a step that still exists after a change keeps the parent where they are", () => {
    const session = createSession(flows);
    session.send({ type: "start", flow: "childcare" });
    session.deploy({ ...flows, hash: "other" });
    const out = session.send({ type: "text", value: "1" });
    expect(steps(out)).toEqual(["childcare.toddler", "main.menu"]);
  });

  it("never loops forever on a broken flow", () => {
    const broken = createFlowSet({
      main: {
        start: "menu",
        steps: {
          menu: { choices: [{ label: "a", next: "a" }] },
          a: { goto: "b" },
          b: { goto: "a" },
        },
      },
    });
    const session = createSession(broken);
    session.send({ type: "start" });
    const out = session.send({ type: "choose", step: "main.menu", index: 0 });
    expect(out[0]).toEqual({ type: "notice", notice: "flow_error" });
    expect(out[1]).toMatchObject({ type: "choices", step: "main.menu" });
  });

  it("a corrupt or foreign stored state is refused, so the caller starts fresh", () => {
    expect(parseEngineState({ v: 99 })).toBeUndefined();
    expect(parseEngineState("garbage")).toBeUndefined();
    expect(parseEngineState({ ...createEngineState("x"), hist: "no" })).toBeUndefined();
    const fresh = advance(flows, createEngineState(flows.hash), { type: "show" });
    expect(fresh.outputs[0]).toMatchObject({ step: "main.menu" });
  });
});
