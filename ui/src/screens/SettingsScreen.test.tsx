import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AppError } from "../bindings/AppError";
import type { BookPersonRequest } from "../bindings/BookPersonRequest";
import { addDays, today } from "../api/backend";
import { checkCityReason, FakeBackend } from "../api/fake";
import type { CityReason } from "../bindings/CityReason";
import { SettingsScreen } from "./SettingsScreen";

function unlocked() {
  return new FakeBackend(undefined, undefined, "unlocked");
}

const person = (kana: string, phone: string): BookPersonRequest => ({
  nameKanji: "見本 太郎",
  nameKana: kana,
  phone,
  birthDate: null,
  applicantType: "self",
  procedures: ["card_issue"],
});

function input(container: HTMLElement, name: string): HTMLInputElement {
  const el = container.querySelector<HTMLInputElement>(`[name="${name}"]`);
  if (!el) throw new Error(`no input named ${name}`);
  return el;
}

async function retype(el: HTMLElement, text: string) {
  await userEvent.clear(el);
  await userEvent.type(el, text);
}

test("booking rules are saved with Enter and shown again after a reload", async () => {
  const fake = unlocked();
  const { unmount } = render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("rules-form");
  await retype(within(form).getByLabelText(/何日先まで/), "31");
  await retype(within(form).getByLabelText(/何日前まで/), "2");
  await userEvent.click(within(form).getByLabelText("お一人一件まで"));
  await userEvent.type(within(form).getByLabelText(/遅刻とみなす分数/), "{Enter}");

  expect(await within(form).findByRole("status")).toHaveTextContent("保存しました");
  expect(fake.settings.rules).toEqual({ daysAhead: 31, minDaysBefore: 2, lateMinutes: 5, oneBookingPerPerson: false });

  unmount();
  render(<SettingsScreen backend={fake} />);
  const again = await screen.findByTestId("rules-form");
  await waitFor(() => expect(input(again, "daysAhead")).toHaveValue(31));
  expect(input(again, "minDaysBefore")).toHaveValue(2);
  expect(input(again, "lateMinutes")).toHaveValue(5);
  expect(input(again, "oneBookingPerPerson")).not.toBeChecked();
});

test("a rule the backend refuses shows the Japanese error sentence and changes nothing", async () => {
  const fake = unlocked();
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("rules-form");
  await retype(within(form).getByLabelText(/何日先まで/), "0{Enter}");

  expect(await screen.findByRole("alert")).toHaveTextContent("入力内容に誤りがあります。");
  expect(screen.queryByRole("status")).toBeNull();
  expect(fake.settings.rules.daysAhead).toBe(45);
});

test("lowering the weekday plan's capacity lists the bookings that no longer fit, and keeps them", async () => {
  const fake = unlocked();
  const day = today();
  const first = await fake.book({ day, starts: "09:00", channel: "phone", people: [person("ミホン イチ", "09000000001")], notes: "" });
  const second = await fake.book({ day, starts: "09:00", channel: "phone", people: [person("ミホン ニ", "09000000002")], notes: "" });
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("plan-form");
  expect(input(form, "planKind")).toHaveValue("regular");
  await retype(within(form).getByLabelText("1 行目の定員"), "1{Enter}");

  const followUp = await screen.findByTestId("follow-up");
  expect(followUp).toHaveTextContent("要連絡（枠から外れた予約）1件");
  const row = within(followUp).getByText(second.number).closest("tr")!;
  expect(row).toHaveTextContent("ミホン ニ");
  expect(row).toHaveTextContent("09000000002");
  expect(row).toHaveTextContent("09:00");
  expect(within(followUp).queryByText(first.number)).toBeNull();
  expect(fake.settings.regular.bands).toEqual([{ starts: "09:00", ends: "12:00", capacity: 1 }]);
  expect(fake.reservations).toHaveLength(2);
});

test("bands can be added and removed; the holiday-session plan is saved under its own kind", async () => {
  const fake = unlocked();
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("plan-form");
  await userEvent.selectOptions(within(form).getByLabelText("対象の日"), "holiday_session");
  await userEvent.click(within(form).getByRole("button", { name: "＋ 時間帯を追加" }));
  expect(within(form).getByLabelText("2 行目の開始")).toHaveFocus();
  expect(within(form).getByLabelText("2 行目の開始")).toHaveValue("12:00");
  expect(within(form).getByLabelText("2 行目の終了")).toHaveValue("13:00");
  await retype(within(form).getByLabelText("1 行目の定員"), "3");
  await userEvent.click(within(form).getByRole("button", { name: "保存" }));

  expect(await within(form).findByRole("status")).toHaveTextContent("枠から外れた予約はありません");
  expect(fake.settings.holidaySession.bands).toEqual([
    { starts: "09:00", ends: "12:00", capacity: 3 },
    { starts: "12:00", ends: "13:00", capacity: 2 },
  ]);
  expect(fake.settings.regular.bands).toHaveLength(1);

  await userEvent.click(within(form).getByRole("button", { name: "1 行目を削除" }));
  await userEvent.click(within(form).getByRole("button", { name: "保存" }));
  await waitFor(() => expect(fake.settings.holidaySession.bands).toEqual([{ starts: "12:00", ends: "13:00", capacity: 2 }]));
});

test("a band ending before it starts is refused before anything is sent", async () => {
  const fake = unlocked();
  const setSlotPlan = vi.spyOn(fake, "setSlotPlan");
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("plan-form");
  await userEvent.click(within(form).getByRole("button", { name: "＋ 時間帯を追加" }));
  await retype(within(form).getByLabelText("2 行目の開始"), "11:00");
  await userEvent.click(within(form).getByRole("button", { name: "保存" }));
  expect(await within(form).findByRole("alert")).toHaveTextContent("時間帯が重なっています");
  expect(setSlotPlan).not.toHaveBeenCalled();
});

test("a day's capacity (繁閑) is changed, listed for follow-up, and put back to the plan", async () => {
  const fake = unlocked();
  const day = today();
  await fake.book({ day, starts: "10:00", channel: "phone", people: [person("ミホン イチ", "09000000001")], notes: "" });
  const second = await fake.book({ day, starts: "10:00", channel: "counter", people: [person("ミホン ニ", "09000000002")], notes: "" });
  render(<SettingsScreen backend={fake} />);
  const section = await screen.findByTestId("capacity-form");
  const capacity = await within(section).findByLabelText("09:00〜12:00 の定員");
  expect(capacity).toHaveValue(2);
  await retype(capacity, "1{Enter}");

  const followUp = await within(section).findByTestId("follow-up");
  expect(followUp).toHaveTextContent(second.number);
  expect(fake.capacityOverrides.get(day)).toBe(1);
  expect(await within(section).findByText("変更中")).toBeInTheDocument();

  await userEvent.click(within(section).getByRole("button", { name: "計画に戻す" }));
  await waitFor(() => expect(fake.capacityOverrides.has(day)).toBe(false));
  await waitFor(() => expect(within(section).getByLabelText("09:00〜12:00 の定員")).toHaveValue(2));
  expect(within(section).queryByText("変更中")).toBeNull();
});

test("a J-LIS outage lists the affected booking, keeps an incident record with 要連絡, and can be lifted", async () => {
  const fake = unlocked();
  const day = today();
  const r = await fake.book({ day, starts: "10:00", channel: "phone", people: [person("ミホン サン", "09000000003")], notes: "" });
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("closure-form");
  expect(within(await screen.findByTestId("closures")).getByText("記録された休止はありません。")).toBeInTheDocument();
  await userEvent.type(input(form, "closureDay"), day);
  await userEvent.selectOptions(input(form, "closureReason"), "system_outage");
  await userEvent.type(input(form, "closureNote"), "J-LIS 障害で発行できず{Enter}");

  expect(await within(form).findByRole("status")).toHaveTextContent("休止を登録しました");
  const affected = await screen.findByTestId("affected");
  expect(affected).toHaveTextContent("連絡・予約変更が必要な予約 1件");
  expect(within(affected).getByText(r.number).closest("tr")).toHaveTextContent("ミホン サン");
  expect(fake.settings.closures[0].closure).toEqual({ reason: "system_outage", note: "J-LIS 障害で発行できず", from: null, until: null });

  const incident = await within(screen.getByTestId("closures")).findByTestId("incident");
  expect(incident).toHaveAttribute("data-day", day);
  expect(incident).toHaveTextContent("システム障害（J-LIS）");
  expect(incident).toHaveTextContent("終日");
  expect(incident).toHaveTextContent("J-LIS 障害で発行できず");
  const row = within(incident).getByText(r.number).closest("tr")!;
  expect(within(row).getByText("要連絡")).toHaveClass("badge", "full");

  // The day board of the same day now says the counter is closed.
  expect(await within(screen.getByTestId("capacity-form")).findByTestId("day-closed")).toHaveTextContent("臨時休止（システム障害（J-LIS））");

  await userEvent.click(within(incident).getByRole("button", { name: /休止を取り消す/ }));
  await waitFor(() => expect(screen.queryByTestId("incident")).toBeNull());
  expect(fake.settings.closures).toEqual([]);
});

test("a part-day closure sends its period and shows it; a handled booking shows 対応済", async () => {
  const fake = unlocked();
  const day = addDays(today(), 3);
  const r = await fake.book({ day, starts: "11:00", channel: "phone", people: [person("ミホン ヨン", "09000000004")], notes: "" });
  const setClosure = fake.setClosure.bind(fake);
  fake.setClosure = async (d, closure) => {
    const rows = await setClosure(d, closure);
    for (const c of fake.settings.closures) c.affected = c.affected.map((a) => ({ ...a, needsCall: false }));
    return rows;
  };
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("closure-form");
  await userEvent.type(input(form, "closureDay"), day);
  await userEvent.selectOptions(input(form, "closureReason"), "maintenance");
  await userEvent.type(input(form, "closureFrom"), "10:30");
  await userEvent.type(input(form, "closureUntil"), "12:00");
  await userEvent.click(within(form).getByRole("button", { name: "休止を登録" }));

  const incident = await screen.findByTestId("incident");
  expect(fake.settings.closures[0].closure).toEqual({ reason: "maintenance", note: "", from: "10:30", until: "12:00" });
  expect(incident).toHaveTextContent("10:30〜12:00");
  expect(incident).toHaveTextContent("保守・点検");
  expect(within(within(incident).getByText(r.number).closest("tr")!).getByText("対応済")).toHaveClass("badge", "ok");
});

test("a closure whose end is before its start is refused with a Japanese message", async () => {
  const fake = unlocked();
  const setClosure = vi.spyOn(fake, "setClosure");
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("closure-form");
  await userEvent.type(input(form, "closureDay"), today());
  await userEvent.type(input(form, "closureFrom"), "11:00");
  await userEvent.type(input(form, "closureUntil"), "10:00");
  await userEvent.click(within(form).getByRole("button", { name: "休止を登録" }));
  expect(await within(form).findByRole("alert")).toHaveTextContent("終了時刻は開始時刻より後にしてください。");
  expect(setClosure).not.toHaveBeenCalled();
});

test("holiday sessions are added and removed; a weekday refused by the backend shows the error", async () => {
  const fake = unlocked();
  render(<SettingsScreen backend={fake} />);
  const sessions = await screen.findByTestId("sessions");
  expect(within(sessions).getByText("指定された休日交付日はありません。")).toBeInTheDocument();
  await userEvent.type(input(sessions, "sessionDay"), "2026-12-05");
  await userEvent.type(input(sessions, "sessionNote"), "土曜開庁{Enter}");

  const item = await within(sessions).findByText(/土曜開庁/);
  expect(item.closest("li")).toHaveTextContent("2026-12-05（土）");
  expect(fake.settings.holidaySessions).toEqual([{ day: "2026-12-05", site: null, note: "土曜開庁" }]);

  await userEvent.click(within(sessions).getByRole("button", { name: /指定を外す/ }));
  await waitFor(() => expect(within(sessions).queryByText(/土曜開庁/)).toBeNull());
  expect(fake.settings.holidaySessions).toEqual([]);

  const refused: AppError = { code: "invalid_input", message: "not a weekend or holiday" };
  vi.spyOn(fake, "setHolidaySession").mockRejectedValueOnce(refused);
  await userEvent.type(input(sessions, "sessionDay"), "2026-12-07");
  await userEvent.click(within(sessions).getByRole("button", { name: "休日交付日に指定" }));
  expect(await within(sessions).findByRole("alert")).toHaveTextContent("入力内容に誤りがあります。");
});

test("procedure minutes are saved per procedure", async () => {
  const fake = unlocked();
  const setMinutes = vi.spyOn(fake, "setProcedureMinutes");
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("minutes-form");
  await retype(within(form).getByLabelText("カード交付（分）"), "40{Enter}");
  expect(await within(form).findByRole("status")).toHaveTextContent("保存しました");
  expect(setMinutes).toHaveBeenCalledTimes(1);
  expect(setMinutes).toHaveBeenCalledWith("card_issue", 40);
  expect(fake.settings.procedureMinutes[0]).toEqual(["card_issue", 40]);
});

test("bookings still waiting for a call are listed at the top", async () => {
  const fake = unlocked();
  const r = await fake.book({ day: today(), starts: "09:15", channel: "phone", people: [person("ミホン ゴ", "09000000005")], notes: "" });
  fake.settings.needsFollowUp = [r];
  render(<SettingsScreen backend={fake} />);
  const box = await screen.findByTestId("needs-follow-up");
  expect(box).toHaveTextContent("要連絡の予約 1件");
  expect(within(box).getByText(r.number).closest("tr")).toHaveTextContent("09000000005");
});

test("the reason lists show the built-in codes; a city reason is added with Enter, retired and restored", async () => {
  const fake = unlocked();
  render(<SettingsScreen backend={fake} />);
  const block = await screen.findByTestId("reasons");
  const revisit = await within(block).findByTestId("reasons-revisit");
  expect(revisit).toHaveTextContent("本人確認書類の不足");
  expect(within(block).getByTestId("reasons-cancel")).toHaveTextContent("来庁者が帰宅");
  expect(within(block).getByTestId("reasons-form_difference")).toHaveTextContent("書き損じ");
  expect(within(revisit).queryByRole("button", { name: /使わない/ })).toBeNull();

  await userEvent.type(within(revisit).getByLabelText("再来庁の理由に追加する表示名"), "窓口混雑のため後日{Enter}");
  expect(await within(block).findByRole("status")).toHaveTextContent("理由を追加しました。");
  expect(fake.cityReasonList).toEqual([{ kind: "revisit", code: "city_1", label: "窓口混雑のため後日", active: true }]);
  expect(await within(revisit).findByText("窓口混雑のため後日")).toBeInTheDocument();
  expect(within(revisit).getByLabelText("再来庁の理由に追加する表示名")).toHaveValue("");

  // A second code, in another list, gets the next number.
  const cancel = within(block).getByTestId("reasons-cancel");
  await userEvent.type(within(cancel).getByLabelText("取消の理由に追加する表示名"), "荒天{Enter}");
  await within(cancel).findByText("荒天");
  expect(fake.cityReasonList.map((r) => r.code)).toEqual(["city_1", "city_2"]);

  await userEvent.click(within(revisit).getByRole("button", { name: "「窓口混雑のため後日」を使わない" }));
  expect(await within(block).findByRole("status")).toHaveTextContent("理由を一覧から外しました。");
  expect(fake.cityReasonList[0].active).toBe(false);
  expect(await within(revisit).findByText("使っていません")).toBeInTheDocument();
  await userEvent.click(within(revisit).getByRole("button", { name: "「窓口混雑のため後日」を再び使う" }));
  expect(await within(block).findByRole("status")).toHaveTextContent("理由を一覧に戻しました。");
  expect(fake.cityReasonList[0].active).toBe(true);
});

test("a city reason's label that is too long or holds numbers is refused in Japanese before anything is sent", async () => {
  const fake = unlocked();
  render(<SettingsScreen backend={fake} />);
  const form = within(await screen.findByTestId("reasons-cancel"));
  const label = form.getByLabelText("取消の理由に追加する表示名");

  // Typing stops at 30 characters; a longer label put there another way is refused too.
  await userEvent.type(label, "長".repeat(31));
  expect(label).toHaveValue("長".repeat(30));
  fireEvent.change(label, { target: { value: "長".repeat(31) } });
  await userEvent.type(label, "{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("表示名は1〜30文字で入力してください。");
  await retype(label, "090-1234-5678に連絡{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("数字（電話番号・日付・番号など）は入れられません");
  await retype(label, "来庁者が帰宅{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("同じ表示名の理由がすでにあります。");
  expect(fake.cityReasonList).toEqual([]);

  // Thirty characters and three digits are allowed.
  await retype(label, `${"長".repeat(27)}１２３{Enter}`);
  expect(await screen.findByRole("status")).toHaveTextContent("理由を追加しました。");
  expect(fake.cityReasonList).toHaveLength(1);
});

test("a refusal by the backend is shown in the reasons section", async () => {
  const fake = unlocked();
  fake.actor = { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" };
  render(<SettingsScreen backend={fake} />);
  const form = within(await screen.findByTestId("reasons-revisit"));
  await userEvent.type(form.getByLabelText("再来庁の理由に追加する表示名"), "混雑{Enter}");
  expect(await within(screen.getByTestId("reasons")).findByRole("alert")).toHaveTextContent("この操作を行う権限がありません。");
  expect(fake.cityReasonList).toEqual([]);
});

test("the fake backend checks city reasons as the core does", async () => {
  const r = (code: string, label: string): CityReason => ({ kind: "cancel", code, label, active: true });
  const refused = (reason: CityReason) => {
    try {
      checkCityReason(reason);
      return null;
    } catch (e) {
      return (e as AppError).code;
    }
  };
  expect(refused(r("city_1", "体調不良で後日"))).toBeNull();
  expect(refused(r("left", "帰宅"))).toBe("invalid_input");
  expect(refused(r("city_X", "帰宅"))).toBe("invalid_input");
  expect(refused(r(`city_${"a".repeat(36)}`, "帰宅"))).toBe("invalid_input");
  expect(refused(r("city_2", "090-1234-5678に連絡"))).toBe("invalid_input");
  expect(refused(r("city_3", " "))).toBe("invalid_input");
  expect(refused(r("city_4", "長".repeat(31)))).toBe("too_long");
  expect(refused(r("city_5", `${"長".repeat(27)}１２３`))).toBeNull();
  expect(refused(r("city_6", "番号1234-5678-9018"))).toBe("individual_number_in_text");

  const fake = unlocked();
  await fake.setCityReasons([r("city_1", "荒天")]);
  await expect(fake.setCityReasons([])).rejects.toMatchObject({ code: "not_allowed" });
  await expect(fake.setCityReasons([r("city_1", "荒天"), r("city_1", "雪")])).rejects.toMatchObject({ code: "invalid_input" });
  await fake.setCityReasons([{ ...r("city_1", "荒天"), active: false }]);
  await expect(fake.setFormCount(today(), 1, "city_9", "")).rejects.toMatchObject({ code: "invalid_input" });
});
