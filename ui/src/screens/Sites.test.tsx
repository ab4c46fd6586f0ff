// Sites (拠点) on the fake backend: booking at a chosen site shows and fills that site's board; a
// call-center PC (its own site a desk) starts on the first bookable site; the manager adds,
// renames and closes sites in the settings; the hub makes a new seat's code for a site; the board
// picks whose board to show; the reports have a section per site, then the city's total; a
// one-site city sees no site anywhere.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import type { Site } from "../bindings/Site";
import { BoardScreen } from "./BoardScreen";
import { BookingScreen } from "./BookingScreen";
import { ReportsScreen } from "./ReportsScreen";
import { SettingsScreen } from "./SettingsScreen";
import { SyncScreen } from "./SyncScreen";

const DAY = addDays(today(), 1);

function site(id: string, name: string, kind: Site["kind"], position: number, active = true): Site {
  return { id, name, kind, position, active, day: null, sealed: false, weekends: false, procedures: null };
}

/** A city with 本庁舎 and 駅前 (and whatever else), this PC at `here`. */
function city(here: string, ...more: Site[]): FakeBackend {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = [site("main", "本庁舎", "counter", 1), site("ekimae", "駅前", "counter", 2), ...more];
  fake.here = here;
  return fake;
}

const request = (kana: string, starts: string, at?: string, day = DAY): BookRequest => ({
  day,
  starts,
  channel: "phone",
  people: [{ nameKanji: "見本 太郎", nameKana: kana, phone: null, birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
  notes: "",
  site: at,
});

/** The slot buttons, once the board of `at` for the booking day is shown. */
async function slotsOf(at: string): Promise<HTMLElement> {
  const group = await screen.findByRole("radiogroup");
  await waitFor(() => {
    expect(group).toHaveAttribute("data-site", at);
    expect(group).toHaveAttribute("data-day", DAY);
    expect(within(group).getAllByRole("radio").length).toBeGreaterThan(0);
  });
  return group;
}

test("with two sites the booking picks the site: its board is shown and the booking is made there", async () => {
  const fake = city("main");
  // 駅前's 09:00 is full; 本庁舎's is free.
  await fake.book(request("エキマエ イチ", "09:00", "ekimae"));
  await fake.book(request("エキマエ ニ", "09:00", "ekimae"));
  render(<BookingScreen backend={fake} />);

  const picker = await screen.findByLabelText("拠点");
  expect(picker).toHaveAttribute("name", "bookingSite");
  expect(picker).toHaveValue("main");
  expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(["本庁舎", "駅前"]);
  let slots = await slotsOf("main");
  expect(within(slots).getByRole("radio", { name: /09:00/ })).toBeEnabled();

  await userEvent.selectOptions(picker, "ekimae");
  slots = await slotsOf("ekimae");
  await waitFor(() => expect(within(slots).getByRole("radio", { name: /09:00/ })).toBeDisabled());

  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(screen.getByLabelText("カード交付"));
  await userEvent.click(within(slots).getByRole("radio", { name: /09:15/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));

  const number = (await screen.findByTestId("reservation-number")).textContent!;
  expect(screen.getByTestId("booked-site")).toHaveTextContent("拠点：駅前");
  const booked = fake.reservations.find((r) => r.number === number)!;
  expect(fake.reservationSites.get(booked.id)).toBe("ekimae");
  expect((await fake.dayBoard(DAY, "ekimae")).reservations.map((r) => r.number)).toContain(number);
  expect((await fake.dayBoard(DAY, "main")).reservations).toEqual([]);
});

test("a call-center PC starts on the first bookable site and never offers its own desk or a closed site", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = [
    site("callcenter", "コールセンター", "desk", 1),
    site("koshikiiwa", "越木岩分室", "counter", 2, false),
    site("ekimae", "駅前", "counter", 3),
    site("main", "本庁舎", "counter", 4),
    site("kgu", "出張 関西学院", "outreach", 5),
  ];
  fake.here = "callcenter";
  const boards: (string | undefined)[] = [];
  const dayBoard = fake.dayBoard.bind(fake);
  fake.dayBoard = (day, at) => {
    boards.push(at);
    return dayBoard(day, at);
  };
  render(<BookingScreen backend={fake} />);

  const picker = await screen.findByTestId("booking-site");
  expect(picker).toHaveValue("ekimae");
  expect(within(picker).getAllByRole("option").map((o) => (o as HTMLOptionElement).value)).toEqual(["ekimae", "main", "kgu"]);
  await slotsOf("ekimae");
  // The desk's own board is never asked for.
  expect(boards).not.toContain(undefined);
  expect(boards).not.toContain("callcenter");
  // The desk itself cannot be booked: the fake refuses as core does.
  await expect(fake.book(request("デスク", "10:00", "callcenter"))).rejects.toMatchObject({ code: "invalid_input" });
});

test("a one-site city shows no site: no picker, no site in the header, the booking names none", async () => {
  const fake = new FakeBackend();
  const booked: BookRequest[] = [];
  const book = fake.book.bind(fake);
  fake.book = (r) => {
    booked.push(r);
    return book(r);
  };
  render(<App backend={fake} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(screen.getByLabelText("カード交付"));
  await userEvent.click(await screen.findByRole("radio", { name: /09:30/ }));
  expect(screen.queryByTestId("booking-site")).toBeNull();
  expect(screen.queryByLabelText("拠点")).toBeNull();
  expect(screen.getByTestId("where")).toHaveTextContent("テスト市 特設窓口 ／ 窓口1");
  expect(screen.queryByTestId("site-name")).toBeNull();
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  expect(await screen.findByTestId("reservation-number")).toBeInTheDocument();
  expect(screen.queryByTestId("booked-site")).toBeNull();
  expect(booked[0].site).toBeUndefined();
});

test("the header names this PC's site when the city has more than one", async () => {
  const fake = new FakeBackend();
  fake.siteList = [site("main", "本庁舎", "counter", 1), site("ekimae", "アクタ西宮ステーション", "counter", 2)];
  fake.here = "ekimae";
  render(<App backend={fake} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  expect(await screen.findByTestId("site-name")).toHaveTextContent("アクタ西宮ステーション");
  // The store's long name leaves the header for the tooltip: this PC's site and the seat remain.
  expect(screen.getByTestId("where")).toHaveTextContent(/^アクタ西宮ステーション ／ 窓口1$/);
  expect(screen.getByTestId("where")).toHaveAttribute("title", "テスト市 特設窓口 ／ アクタ西宮ステーション ／ 窓口1");
});

test("the manager adds a site in the settings, it is listed, renamed and closed; the only open counter stays open", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  render(<SettingsScreen backend={fake} />);
  const section = await screen.findByTestId("sites");
  expect(within(section).getByRole("heading", { name: "拠点" })).toBeInTheDocument();
  expect(screen.queryByTestId("settings-site")).toBeNull();
  const form = within(section).getByTestId("site-add");

  // A code with capitals is refused before anything is sent.
  await userEvent.type(within(form).getByLabelText("コード"), "Ekimae");
  await userEvent.type(within(form).getByLabelText("名称"), "アクタ西宮ステーション");
  await userEvent.click(within(form).getByRole("button", { name: "追加" }));
  expect(await within(section).findByRole("alert")).toHaveTextContent("半角英小文字");
  expect(fake.siteList).toHaveLength(1);

  await userEvent.clear(within(form).getByLabelText("コード"));
  await userEvent.type(within(form).getByLabelText("コード"), "ekimae");
  await userEvent.selectOptions(within(form).getByLabelText("種別"), "counter");
  await userEvent.click(within(form).getByRole("button", { name: "追加" }));
  expect(await within(section).findByRole("status")).toHaveTextContent("拠点「アクタ西宮ステーション」を追加しました。");
  const row = await waitFor(() => {
    const li = section.querySelector<HTMLElement>('li[data-site="ekimae"]');
    expect(li).not.toBeNull();
    return li!;
  });
  expect(row).toHaveTextContent("アクタ西宮ステーション");
  expect(row).toHaveTextContent("ekimae");
  expect(row).toHaveTextContent("窓口");
  expect(within(form).getByLabelText("コード")).toHaveValue("");
  expect(fake.siteList.map((s) => s.id)).toEqual(["main", "ekimae"]);
  expect(await screen.findByTestId("settings-site")).toHaveTextContent("本庁舎");

  // A call center, with the kind's label in the list.
  await userEvent.type(within(form).getByLabelText("コード"), "callcenter");
  await userEvent.type(within(form).getByLabelText("名称"), "コールセンター 東館8階");
  await userEvent.selectOptions(within(form).getByLabelText("種別"), "コールセンター");
  await userEvent.type(within(form).getByLabelText("名称"), "{Enter}");
  await waitFor(() => expect(section.querySelector('li[data-site="callcenter"]')).toHaveTextContent("コールセンター"));
  expect(fake.siteList[2].kind).toBe("desk");

  // Rename in place, with Enter.
  const rename = within(row).getByLabelText("「アクタ西宮ステーション」の名称を変更");
  await userEvent.clear(rename);
  await userEvent.type(rename, "駅前{Enter}");
  await waitFor(() => expect(fake.siteList[1].name).toBe("駅前"));
  expect(await within(section).findByRole("status")).toHaveTextContent("名称を「駅前」に変更しました。");

  // Close 駅前: marked 休止. Then 本庁舎, now the only open counter, cannot be closed.
  await userEvent.click(within(section).getByRole("button", { name: "「駅前」を休止" }));
  await waitFor(() => expect(section.querySelector('li[data-site="ekimae"]')).toHaveAttribute("data-active", "false"));
  expect(section.querySelector('li[data-site="ekimae"]')).toHaveTextContent("休止");
  await userEvent.click(within(section).getByRole("button", { name: "「本庁舎」を休止" }));
  expect(await within(section).findByRole("alert")).toHaveTextContent("この操作は現在の状態ではできません。");
  expect(fake.siteList[0].active).toBe(true);
  await userEvent.click(within(section).getByRole("button", { name: "「駅前」を再開" }));
  await waitFor(() => expect(fake.siteList[1].active).toBe(true));
});

test("the hub's new-seat code is made for the chosen site, and the seat list names each seat's site", async () => {
  const fake = city("main");
  fake.sync = { ...fake.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true };
  fake.seatList = [
    { seatId: "s1", name: "窓口1", fingerprint: "ab".repeat(32), revokedAt: null, lastSeq: 3, lastSeen: null, siteThrough: 0, siteId: "main" },
    { seatId: "s2", name: "駅前1", fingerprint: "cd".repeat(32), revokedAt: null, lastSeq: 1, lastSeen: null, siteThrough: 0, siteId: "ekimae" },
  ];
  render(<SyncScreen backend={fake} manager />);
  const pin = await screen.findByLabelText("暗証番号（確認）");
  const picker = await screen.findByLabelText("拠点");
  expect(picker).toHaveAttribute("name", "codeSite");
  expect(picker).toHaveValue("main");
  await userEvent.selectOptions(picker, "駅前");
  await userEvent.type(pin, "1234");
  await userEvent.click(screen.getByRole("button", { name: "新しい席の登録コードを発行" }));
  expect(await screen.findByTestId("sync-message")).toHaveTextContent(/駅前 の席の登録コード：[A-Z0-9]{4}-/);
  expect(fake.codeRequests).toEqual([{ seatId: undefined, site: "ekimae" }]);

  await userEvent.type(pin, "1234");
  await userEvent.click(screen.getByRole("button", { name: "席の一覧を読み込む" }));
  const seats = await screen.findByTestId("hub-seats");
  expect(within(seats).getByText("駅前1").closest("tr")).toHaveTextContent("駅前");
  expect(within(seats).getByText("窓口1").closest("tr")).toHaveTextContent("本庁舎");
});

test("a one-site city's hub tools offer no site and ask for none", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.sync = { ...fake.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true };
  render(<SyncScreen backend={fake} manager />);
  await userEvent.type(await screen.findByLabelText("暗証番号（確認）"), "1234");
  await userEvent.click(screen.getByRole("button", { name: "新しい席の登録コードを発行" }));
  expect(await screen.findByTestId("sync-message")).toHaveTextContent(/^登録コード：/);
  expect(screen.queryByLabelText("拠点")).toBeNull();
  expect(fake.codeRequests).toEqual([{ seatId: undefined, site: undefined }]);
});

/** The board's reservation numbers, once the board of `at` is shown. */
async function boardOf(at: string): Promise<string[]> {
  await waitFor(() => expect(screen.getByRole("region", { name: "予約状況" })).toHaveAttribute("data-site", at));
  const board = await screen.findByTestId("board");
  return [...board.querySelectorAll<HTMLElement>(".booking")].map((b) => b.dataset.number!);
}

test("with two sites the board picks whose board to show, and acts on that site's reservations", async () => {
  const fake = city("main");
  const station = await fake.book(request("エキマエ イチ", "09:00", "ekimae", today()));
  const main = await fake.book(request("ホンチョウ イチ", "09:15", "main", today()));
  render(<BoardScreen backend={fake} />);

  const picker = await screen.findByTestId("board-site");
  expect(picker).toHaveAttribute("name", "boardSite");
  expect(picker).toHaveAccessibleName("拠点");
  expect(picker).toHaveValue("main");
  expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(["本庁舎", "駅前"]);
  await waitFor(async () => expect(await boardOf("main")).toEqual([main.number]));

  await userEvent.selectOptions(picker, "ekimae");
  await waitFor(async () => expect(await boardOf("ekimae")).toEqual([station.number]));
  // Checking in on 駅前's board checks in 駅前's reservation and shows 駅前's board again.
  const row = screen.getByTestId("board").querySelector<HTMLElement>(`[data-number="${station.number}"]`)!;
  await userEvent.click(within(row).getByRole("button", { name: "受付" }));
  await waitFor(() => expect(fake.reservations.find((r) => r.number === station.number)!.status).toBe("checked_in"));
  expect(await boardOf("ekimae")).toEqual([station.number]);
  expect(picker).toHaveValue("ekimae");
});

test("a call-center PC's board starts on the first bookable site and never asks for the desk's", async () => {
  const fake = city("callcenter", site("callcenter", "コールセンター", "desk", 3), site("kgu", "出張 関西学院", "outreach", 4, false));
  const boards: (string | undefined)[] = [];
  const dayBoard = fake.dayBoard.bind(fake);
  fake.dayBoard = (day, at) => {
    boards.push(at);
    return dayBoard(day, at);
  };
  render(<BoardScreen backend={fake} />);

  const picker = await screen.findByTestId("board-site");
  expect(picker).toHaveValue("main");
  expect(within(picker).getAllByRole("option").map((o) => (o as HTMLOptionElement).value)).toEqual(["main", "ekimae"]);
  await boardOf("main");
  expect(boards).not.toContain(undefined);
  expect(boards).not.toContain("callcenter");
});

test("with two sites the report preview shows each site's section, then the city's total", async () => {
  const yesterday = addDays(today(), -1);
  const fake = city("main");
  const booked = [
    await fake.book(request("ホンチョウ イチ", "09:00", "main", yesterday)),
    await fake.book(request("エキマエ イチ", "09:00", "ekimae", yesterday)),
    await fake.book(request("エキマエ ニ", "09:15", "ekimae", yesterday)),
  ];
  for (const r of booked) await fake.setReservationStatus(r.number, "checked_in");
  render(<ReportsScreen backend={fake} />);
  await waitFor(() => expect(screen.getByLabelText("日付")).toHaveValue(yesterday));

  const figure = (part: HTMLElement, key: string) => part.querySelector(`[data-figure="${key}"] dd`)!.textContent;
  for (const kind of ["daily", "monthly"]) {
    await userEvent.selectOptions(screen.getByLabelText("種類"), kind);
    await userEvent.click(screen.getByRole("button", { name: "作成してプレビュー" }));
    const preview = await screen.findByTestId("report-preview");
    await waitFor(() => expect(preview).toHaveTextContent(kind === "daily" ? `日報 ${yesterday}` : `月報 ${yesterday.slice(0, 7)}`));

    const sections = within(preview).getAllByTestId("report-section");
    expect(sections.map((x) => x.dataset.site)).toEqual(["main", "ekimae"]);
    expect(sections.map((x) => within(x).getByRole("heading").textContent)).toEqual(["拠点：本庁舎", "拠点：駅前"]);
    expect(sections.map((x) => figure(x, "visitors"))).toEqual(["1", "2"]);
    expect(sections.map((x) => figure(x, "places"))).toEqual(["24", "24"]);

    // The total comes after the sections, under its own heading, and the sections add up to it.
    const total = within(preview).getByTestId("report-total");
    expect(within(total).getByRole("heading")).toHaveTextContent("合計（全拠点）");
    expect(sections[1].compareDocumentPosition(total) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(figure(total, "visitors")).toBe("3");
    expect(figure(total, "booked")).toBe("3");
    expect(figure(total, "places")).toBe("48");
  }
});

test("a one-site city's board has no site picker and its report preview no sections", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const boards = render(<BoardScreen backend={fake} />);
  expect(await screen.findByTestId("board")).toBeInTheDocument();
  expect(screen.queryByTestId("board-site")).toBeNull();
  expect(screen.queryByLabelText("拠点")).toBeNull();
  boards.unmount();

  render(<ReportsScreen backend={fake} />);
  await waitFor(() => expect(screen.getByLabelText("日付")).not.toHaveValue(""));
  await userEvent.click(screen.getByRole("button", { name: "作成してプレビュー" }));
  const preview = await screen.findByTestId("report-preview");
  expect(within(preview).getByText("来庁・受付")).toBeInTheDocument();
  expect(within(preview).queryByTestId("report-section")).toBeNull();
  expect(within(preview).queryByTestId("report-total")).toBeNull();
  expect(preview).not.toHaveTextContent("拠点");
  expect(preview).not.toHaveTextContent("合計（全拠点）");
  expect((await fake.dailyReport(addDays(today(), -1))).sections).toEqual([]);
});
