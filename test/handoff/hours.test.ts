/** Office hours in Berlin time: open now, or when the office opens next. */
import { describe, expect, it } from "vitest";
import { officeStatus } from "../../src/handoff/hours.js";

const office = {
  hours: { sat: "09:00-12:00", sun: "10:00-12:00", mon: "08:00-16:00" },
  closed: ["2026-12-25"],
};

describe("officeStatus", () => {
  it("is open within the hours and names the next opening outside them", () => {
    // Saturday, 21 November 2026, 10:00 in Berlin (09:00 UTC).
    expect(officeStatus(office, new Date("2026-11-21T09:00:00Z"))).toEqual({ open: true });
    // Saturday 13:00 in Berlin: next is Sunday 10:00 (09:00 UTC).
    expect(officeStatus(office, new Date("2026-11-21T12:00:00Z"))).toEqual({
      open: false,
      next: new Date("2026-11-22T09:00:00Z"),
    });
  });

  it("counts calendar days across the spring clock change: Sunday is not skipped", () => {
    // Saturday, 27 March 2027, 23:30 in Berlin (CET); the clocks go forward that night.
    const status = officeStatus(office, new Date("2027-03-27T22:30:00Z"));
    // Sunday 28 March, 10:00 CEST = 08:00 UTC.
    expect(status).toEqual({ open: false, next: new Date("2027-03-28T08:00:00Z") });
  });

  it("skips days the office is closed", () => {
    const friday = { hours: { fri: "08:00-12:00", mon: "08:00-12:00" }, closed: ["2026-12-25"] };
    // Thursday, 24 December 2026, 13:00 in Berlin: Friday is a holiday, next is Monday 28th.
    expect(officeStatus(friday, new Date("2026-12-24T12:00:00Z"))).toEqual({
      open: false,
      next: new Date("2026-12-28T07:00:00Z"),
    });
  });
});
