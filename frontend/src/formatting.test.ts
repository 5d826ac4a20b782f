// The formatting helpers: Santiago time whatever the machine's zone, es-CL numbers (decimal comma).
import { describe, expect, it } from "vitest";
import { formatDateTime, formatDay, formatMonth, parseNumber, toLocalInput } from "./features/cycles/common";
import { formatDateTime as formatAmendmentTime } from "./format";
import { defaultWave, formatNumber } from "./features/observations/common";
import { num, signedNum } from "./features/reports/common";
import { formatDate } from "./i18n";

/** Intl separates some parts with (narrow) no-break spaces; compare them as plain spaces. */
const plain = (text: string) => text.replace(/\s/g, " ");

describe("dates in America/Santiago", () => {
  it("shows an instant in Santiago summer time (UTC-3), the previous day when UTC is past midnight", () => {
    expect(plain(formatDateTime("2024-03-10T02:30:00Z"))).toBe("09-03-2024, 11:30 p. m.");
  });

  it("shows an instant in Santiago winter time (UTC-4)", () => {
    expect(plain(formatDateTime("2024-07-01T15:05:00Z"))).toBe("01-07-2024, 11:05 a. m.");
  });

  it("shows a calendar day as that day, with no zone shift", () => {
    expect(formatDay("2024-03-09")).toBe("09-03-2024");
    expect(formatDay("2024-12-31")).toBe("31-12-2024");
  });

  it("shows a month in short Spanish", () => {
    expect(formatMonth("2024-03-01")).toBe("mar 2024");
  });

  it("gives a datetime-local value in Santiago time", () => {
    expect(toLocalInput("2024-07-01T15:05:00Z")).toBe("2024-07-01T11:05");
    expect(toLocalInput("2024-01-15T03:00:00Z")).toBe("2024-01-15T00:00");
  });

  it("writes long dates in the chosen language", () => {
    expect(formatDate("2024-03-10T02:30:00Z", "es")).toBe("9 de marzo de 2024");
    expect(formatDate("2024-03-10T02:30:00Z", "en")).toBe("9 March 2024");
  });

  it("writes an amendment's time in the chosen language", () => {
    expect(plain(formatAmendmentTime("2024-07-01T15:05:00Z", "es"))).toBe("01-07-2024, 11:05 a. m.");
    expect(plain(formatAmendmentTime("2024-07-01T15:05:00Z", "en"))).toBe("1 Jul 2024, 11:05");
  });

  it("labels the wave by semester: up to July the first, from August the second", () => {
    expect(defaultWave("2024-07-31")).toBe("2024-1");
    expect(defaultWave("2024-08-01")).toBe("2024-2");
    expect(defaultWave("2025-01-02")).toBe("2025-1");
  });
});

describe("numbers", () => {
  it("uses a decimal comma and a thousands dot in Spanish", () => {
    expect(num(1234.5)).toBe("1.234,50");
    expect(formatNumber(1234.5, "es")).toBe("1.234,50");
  });

  it("rounds to the requested digits", () => {
    expect(num(0.456, 1)).toBe("0,5");
    expect(formatNumber(1234.5, "en", 1)).toBe("1,234.5");
  });

  it("shows a dash for a missing value", () => {
    expect(num(null)).toBe("—");
    expect(num(undefined)).toBe("—");
    expect(signedNum(null)).toBe("—");
    expect(formatNumber(null, "es")).toBe("—");
  });

  it("signs differences, with a true minus sign, and none for what rounds to zero", () => {
    expect(signedNum(2)).toBe("+2,00");
    expect(signedNum(-1.5)).toBe("−1,50");
    expect(signedNum(0.004)).toBe("0,00");
    expect(signedNum(-0.004)).toBe("0,00");
  });

  it("reads a typed number with a comma or a dot; empty is no number", () => {
    expect(parseNumber("12,5")).toBe(12.5);
    expect(parseNumber(" 12.5 ")).toBe(12.5);
    expect(parseNumber("  ")).toBeNull();
    expect(parseNumber("abc")).toBeNaN();
  });
});
