// The waiting room's call display (呼出表示) on the fake backend: the newest call large with its
// seat, the earlier calls and the next numbers — numbers only, never a name; a new call (not the
// ones already there on the first read) chimes and is handed to the backend to speak; the lamp's
// words follow the wait; a locked store shows 「ただいま準備中です」. And its settings: the
// thresholds saved (yellow below red, refused otherwise before the backend is asked), the monitor
// chosen and the window opened and closed.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import { CallDisplayScreen, isDisplayRoute } from "./CallDisplayScreen";
import { SettingsScreen } from "./SettingsScreen";

const NAMES = [
  ["見本 花子", "ミホン ハナコ"],
  ["試験 太郎", "シケン タロウ"],
  ["例示 次郎", "レイジ ジロウ"],
] as const;

const request = (i: number): BookRequest => ({
  day: today(),
  starts: "10:00",
  channel: "phone",
  people: [{ nameKanji: NAMES[i][0], nameKana: NAMES[i][1], phone: "0900000000" + i, birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
  notes: "",
});

/** Three people checked in today (two slots' worth), the first `called` of them called to seats 3, 5, … */
async function waitingRoom(called: number): Promise<FakeBackend> {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.capacityOverrides.set(today(), 3);
  for (let i = 0; i < 3; i++) await fake.setReservationStatus((await fake.book(request(i))).number, "checked_in");
  for (let i = 0; i < called; i++) await fake.callNext(3 + 2 * i);
  return fake;
}

function renderDisplay(fake: FakeBackend, chime = vi.fn()) {
  render(<CallDisplayScreen backend={fake} pollMs={20} chime={chime} />);
  return chime;
}

test("only #/display is the display's route", () => {
  expect(isDisplayRoute("#/display")).toBe(true);
  expect(isDisplayRoute("")).toBe(false);
  expect(isDisplayRoute("#board")).toBe(false);
});

test("the display shows the newest call's number and seat, the earlier calls and the next numbers, and no name", async () => {
  const fake = await waitingRoom(2);
  renderDisplay(fake);
  expect(await screen.findByTestId("display-current-number")).toHaveTextContent("1000 0001");
  expect(screen.getByTestId("display-current-seat")).toHaveTextContent("5番窓口へお越しください");
  const recent = screen.getByTestId("display-recent");
  expect(within(recent).getByText("1000 0000").closest("li")).toHaveTextContent("1000 0000→3番窓口");
  expect(screen.getByTestId("display-next")).toHaveTextContent("1000 0002");
  expect(screen.getByTestId("display-wait")).toHaveTextContent("約0分");
  expect(screen.getByTestId("display-lamp")).toHaveTextContent("空いています");
  expect(screen.getByTestId("display-bands")).toHaveTextContent("9時台");
  expect(screen.getByTestId("display-bands")).toHaveTextContent("10時台");
  expect(document.getElementById("display-site")).toHaveTextContent("本庁舎");

  const text = document.body.textContent ?? "";
  for (const [kanji, kana] of NAMES) {
    expect(text).not.toContain(kanji);
    expect(text).not.toContain(kana);
    for (const part of [...kanji.split(" "), ...kana.split(" ")]) expect(text).not.toContain(part);
  }
  for (const member of fake.roster) expect(text).not.toContain(member.name);
  // No navigation, no sign-in: the display alone.
  expect(screen.queryByRole("navigation")).toBeNull();
  expect(screen.queryByLabelText("職員番号")).toBeNull();
});

test("a new call chimes and is announced; the calls there on the first read are not", async () => {
  const fake = await waitingRoom(1);
  const chime = renderDisplay(fake);
  expect(await screen.findByTestId("display-current-number")).toHaveTextContent("1000 0000");
  await act(() => new Promise((r) => setTimeout(r, 100)));
  expect(fake.announced).toEqual([]);
  expect(chime).not.toHaveBeenCalled();

  await fake.callNext(4);
  await waitFor(() => expect(screen.getByTestId("display-current-number")).toHaveTextContent("1000 0001"));
  expect(screen.getByTestId("display-current-seat")).toHaveTextContent("4番窓口へお越しください");
  await waitFor(() => expect(fake.announced).toEqual([{ number: "1000-0001", seatNo: 4, calledAt: "2026-12-01T10:00:00" }]));
  expect(chime).toHaveBeenCalledTimes(1);

  // Read again and again, the same call is announced once.
  await act(() => new Promise((r) => setTimeout(r, 100)));
  expect(fake.announced).toHaveLength(1);

  // The chime off: the next call is still handed to the backend (which speaks when the voice is on).
  fake.displaySettingsValue = { ...fake.displaySettingsValue, chime: false, voice: true };
  await fake.callNext(6);
  await waitFor(() => expect(fake.announced).toHaveLength(2));
  expect(chime).toHaveBeenCalledTimes(1);
});

test("the lamp's words follow the wait and the thresholds: 空いています, やや混んでいます, 混んでいます", async () => {
  const fake = await waitingRoom(1);
  renderDisplay(fake);
  const lamp = await screen.findByTestId("display-lamp");
  expect(lamp).toHaveTextContent(/^空いています$/);
  expect(lamp).toHaveAttribute("data-lamp", "green");

  fake.caseList.find((c) => c.state === "waiting")!.waitingMinutes = 25;
  await waitFor(() => expect(screen.getByTestId("display-lamp")).toHaveAttribute("data-lamp", "yellow"));
  expect(screen.getByTestId("display-lamp")).toHaveTextContent(/^やや混んでいます$/);
  expect(screen.getByTestId("display-wait")).toHaveTextContent("約25分");

  fake.caseList.find((c) => c.state === "waiting")!.waitingMinutes = 41;
  await waitFor(() => expect(screen.getByTestId("display-lamp")).toHaveAttribute("data-lamp", "red"));
  expect(screen.getByTestId("display-lamp")).toHaveTextContent(/^混んでいます$/);
  expect(screen.getByTestId("display-wait")).toHaveTextContent("約41分");

  // A higher red threshold (this PC's setting) turns it back to yellow.
  fake.displaySettingsValue = { ...fake.displaySettingsValue, redMinutes: 60 };
  await waitFor(() => expect(screen.getByTestId("display-lamp")).toHaveAttribute("data-lamp", "yellow"));
});

test("a locked store shows 「ただいま準備中です」 and nothing else", async () => {
  const fake = await waitingRoom(1);
  renderDisplay(fake);
  expect(await screen.findByTestId("display-current-number")).toBeInTheDocument();
  await fake.lock();
  expect(await screen.findByTestId("display-preparing")).toHaveTextContent("ただいま準備中です");
  expect(screen.queryByTestId("display-current-number")).toBeNull();

  // Unlocked again, the calls already made are shown, not announced.
  await fake.unlock(fake.passphrase);
  expect(await screen.findByTestId("display-current-number")).toHaveTextContent("1000 0000");
  await act(() => new Promise((r) => setTimeout(r, 100)));
  expect(fake.announced).toEqual([]);
});

test("before any call the display says so, and every hour so far shows 「—」 when nobody was called", async () => {
  const fake = await waitingRoom(0);
  renderDisplay(fake);
  expect(await screen.findByText("ただいまお呼び出ししている番号はありません")).toBeInTheDocument();
  expect(screen.getByTestId("display-next")).toHaveTextContent("1000 0000");
  const cells = within(screen.getByTestId("display-bands")).getAllByRole("cell");
  expect(cells.map((c) => c.textContent)).toEqual(["—", "—"]);
});

// Settings.

async function displaySettings(fake = new FakeBackend(undefined, undefined, "unlocked")) {
  render(<SettingsScreen backend={fake} />);
  const section = await screen.findByTestId("call-display-settings");
  await within(section).findByTestId("display-settings-form");
  return { fake, section };
}

async function retype(el: HTMLElement, text: string) {
  await userEvent.clear(el);
  await userEvent.type(el, text);
}

test("the display settings save the thresholds, the chime and the voice", async () => {
  const { fake, section } = await displaySettings();
  expect(within(section).getByLabelText("黄 (分)")).toHaveValue(20);
  expect(within(section).getByLabelText("赤 (分)")).toHaveValue(40);
  await retype(within(section).getByLabelText("黄 (分)"), "15");
  await retype(within(section).getByLabelText("赤 (分)"), "30");
  await userEvent.click(within(section).getByLabelText("呼び出すときにチャイムを鳴らす"));
  await userEvent.click(within(section).getByLabelText("音声で読み上げる（日本語の音声がある場合）"));
  await userEvent.click(within(section).getByRole("button", { name: "保存" }));
  expect(await within(section).findByRole("status")).toHaveTextContent("保存しました。");
  expect(fake.displaySettingsValue).toEqual({ yellowMinutes: 15, redMinutes: 30, chime: false, voice: true });
});

test("yellow at or above red is refused before the backend is asked", async () => {
  const { fake, section } = await displaySettings();
  const save = vi.spyOn(fake, "setDisplaySettings");
  await retype(within(section).getByLabelText("黄 (分)"), "40");
  await retype(within(section).getByLabelText("赤 (分)"), "30{Enter}");
  expect(await within(section).findByRole("alert")).toHaveTextContent("黄の分数は赤の分数より小さくしてください。");
  await retype(within(section).getByLabelText("黄 (分)"), "30{Enter}");
  expect(await within(section).findByRole("alert")).toHaveTextContent("黄の分数は赤の分数より小さくしてください。");
  await retype(within(section).getByLabelText("黄 (分)"), "0{Enter}");
  await waitFor(() => expect(within(section).getByRole("alert")).toHaveTextContent("1〜600 の整数"));
  expect(save).not.toHaveBeenCalled();
  expect(fake.displaySettingsValue).toEqual({ yellowMinutes: 20, redMinutes: 40, chime: true, voice: false });
});

test("counter staff cannot change the display settings: the Japanese error", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.actor = { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" };
  const { section } = await displaySettings(fake);
  await retype(within(section).getByLabelText("黄 (分)"), "10{Enter}");
  expect(await within(section).findByRole("alert")).toHaveTextContent("権限がありません");
  expect(fake.displaySettingsValue.yellowMinutes).toBe(20);
});

test("the display opens on the chosen monitor (the first one the primary) and closes", async () => {
  const { fake, section } = await displaySettings();
  const select = within(section).getByLabelText("モニター");
  expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["DISPLAY1（主モニター）", "DISPLAY2"]);
  expect(select).toHaveValue("DISPLAY1");
  expect(within(section).getByTestId("display-state")).toHaveTextContent("呼出表示は閉じています。");

  await userEvent.selectOptions(select, "DISPLAY2");
  await userEvent.click(within(section).getByRole("button", { name: "呼出表示を開く" }));
  await waitFor(() => expect(within(section).getByTestId("display-state")).toHaveTextContent("呼出表示は開いています（DISPLAY2）。"));
  expect(fake.displayWindow).toEqual({ monitor: "DISPLAY2", open: true });

  await userEvent.click(within(section).getByRole("button", { name: "呼出表示を閉じる" }));
  await waitFor(() => expect(within(section).getByTestId("display-state")).toHaveTextContent("呼出表示は閉じています。"));
  expect(fake.displayWindow).toEqual({ monitor: "DISPLAY2", open: false });
});

test("a window that cannot be opened says so in Japanese", async () => {
  const { fake, section } = await displaySettings();
  vi.spyOn(fake, "openDisplay").mockRejectedValue({ code: "window", message: "no such monitor" });
  await userEvent.click(within(section).getByRole("button", { name: "呼出表示を開く" }));
  expect(await within(section).findByRole("alert")).toHaveTextContent("呼出表示の画面を開けませんでした");
});

test("a training store's call display says 研修モード; a real one does not", async () => {
  const real = new FakeBackend(undefined, undefined, "unlocked");
  const { unmount } = render(<CallDisplayScreen backend={real} pollMs={20} chime={vi.fn()} />);
  await screen.findByTestId("call-display");
  expect(screen.queryByTestId("training-mark")).toBeNull();
  unmount();
  const status = { ...real.status, meta: { ...real.status.meta, kind: "training" as const } };
  render(<CallDisplayScreen backend={new FakeBackend(undefined, status, "unlocked")} pollMs={20} chime={vi.fn()} />);
  expect(await screen.findByTestId("training-mark")).toHaveTextContent("研修モード");
});
