// Outreach sites (出張) on the fake backend: the manager adds one with its day (開設日) and seals it
// (封鎖) in the settings; its board is closed on every other day; sealed, another PC's booking into
// it is refused (not_allowed) while the outreach laptop itself still books it. The laptop's 同期
// screen shows the 出張準備 card: not ready until sealed and holding every free place.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import type { Site } from "../bindings/Site";
import errors from "../locales/ja/errors.json";
import { BoardScreen } from "./BoardScreen";
import { BookingScreen } from "./BookingScreen";
import { SettingsScreen } from "./SettingsScreen";
import { SyncScreen } from "./SyncScreen";
import { SYNCED_EVENT } from "./useLoaded";

const DAY = addDays(today(), 1);

const counter = (id: string, name: string, position: number): Site => ({ id, name, kind: "counter", position, active: true, day: null, sealed: false, weekends: false, procedures: null });
const outreach = (id: string, name: string, position: number, day: string, sealed = false): Site => ({
  id, name, kind: "outreach", position, active: true, day, sealed, weekends: false, procedures: null,
});

/** 本庁舎 and the outreach session 出張 関西学院 on `DAY`, this PC at `here`. */
function city(here: string, sealed = false): FakeBackend {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = [counter("main", "本庁舎", 1), outreach("kgu", "出張 関西学院", 2, DAY, sealed)];
  fake.here = here;
  return fake;
}

const request = (kana: string, starts: string, site: string, day = DAY): BookRequest => ({
  day,
  starts,
  channel: "phone",
  people: [{ nameKanji: "見本 太郎", nameKana: kana, phone: null, birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
  notes: "",
  site,
});

const row = (section: HTMLElement, id: string) =>
  waitFor(() => {
    const li = section.querySelector<HTMLElement>(`li[data-site="${id}"]`);
    expect(li).not.toBeNull();
    return li!;
  });

test("the manager adds an outreach site with its day; only an outreach site asks for one", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  render(<SettingsScreen backend={fake} />);
  const section = await screen.findByTestId("sites");
  const form = within(section).getByTestId("site-add");
  expect(within(form).queryByLabelText("開設日")).toBeNull();

  await userEvent.type(within(form).getByLabelText("コード"), "out-kgu");
  await userEvent.type(within(form).getByLabelText("名称"), "出張 関西学院");
  await userEvent.selectOptions(within(form).getByLabelText("種別"), "出張");
  const day = within(form).getByLabelText("開設日");
  expect(day).toHaveAttribute("name", "siteDay");
  expect(day).toHaveAttribute("type", "date");

  // No day: refused before anything is sent.
  await userEvent.click(within(form).getByRole("button", { name: "追加" }));
  expect(await within(section).findByRole("alert")).toHaveTextContent("開設日を入力してください");
  expect(fake.siteList).toHaveLength(1);

  await userEvent.type(day, "2027-01-15");
  await userEvent.click(within(form).getByRole("button", { name: "追加" }));
  expect(await within(section).findByRole("status")).toHaveTextContent("拠点「出張 関西学院」を追加しました。");
  expect(fake.siteList[1]).toMatchObject({ id: "out-kgu", kind: "outreach", day: "2027-01-15", sealed: false });
  const added = await row(section, "out-kgu");
  expect(within(added).getByTestId("site-day")).toHaveTextContent("開設日 2027-01-15（金）");
  expect(within(added).getByRole("button", { name: "「出張 関西学院」を封鎖" })).toBeInTheDocument();
  // A counter has no day and nothing to seal.
  const main = await row(section, "main");
  expect(within(main).queryByTestId("site-day")).toBeNull();
  expect(main.querySelector('[data-action="seal-site"]')).toBeNull();

  // The fake refuses as core does: a day for a counter, none for an outreach site.
  await expect(fake.addSite("ekimae", "駅前", "counter", "2027-01-15")).rejects.toMatchObject({ code: "invalid_input" });
  await expect(fake.addSite("out-x", "出張", "outreach")).rejects.toMatchObject({ code: "invalid_input" });
});

test("sealing an outreach site marks it 封鎖中, with the explanation; unsealing lifts it", async () => {
  const fake = city("main");
  render(<SettingsScreen backend={fake} />);
  const section = await screen.findByTestId("sites");
  let kgu = await row(section, "kgu");
  expect(kgu).not.toHaveTextContent("封鎖中");
  const seal = within(kgu).getByRole("button", { name: "「出張 関西学院」を封鎖" });
  expect(seal).toHaveAttribute("data-action", "seal-site");
  expect(seal).toHaveTextContent("封鎖");
  expect(seal).toHaveAccessibleDescription(
    "封鎖すると、その日の予約は出張用の端末だけが受け付け、空き枠をすべてその端末に割り当てます。",
  );

  await userEvent.click(seal);
  await waitFor(() => expect(fake.siteList[1].sealed).toBe(true));
  expect(await within(section).findByRole("status")).toHaveTextContent("「出張 関西学院」を封鎖しました。");
  kgu = await row(section, "kgu");
  await waitFor(() => expect(kgu).toHaveAttribute("data-sealed", "true"));
  expect(kgu).toHaveTextContent("封鎖中");
  const unseal = within(kgu).getByRole("button", { name: "「出張 関西学院」の封鎖を解除" });
  expect(unseal).toHaveTextContent("封鎖を解除");

  await userEvent.click(unseal);
  await waitFor(() => expect(fake.siteList[1].sealed).toBe(false));
  await waitFor(() => expect(section.querySelector('li[data-site="kgu"]')).not.toHaveTextContent("封鎖中"));
  // Only an outreach site can be sealed.
  await expect(fake.sealSite("main", true)).rejects.toMatchObject({ code: "invalid_input" });
});

test("booking into a sealed outreach site from another PC is refused; its own laptop books it", async () => {
  const fake = city("main", true);
  render(<BookingScreen backend={fake} />);
  const picker = await screen.findByTestId("booking-site");
  await userEvent.selectOptions(picker, "kgu");
  const group = await screen.findByRole("radiogroup");
  await waitFor(() => {
    expect(group).toHaveAttribute("data-site", "kgu");
    expect(group).toHaveAttribute("data-day", DAY);
    expect(within(group).getAllByRole("radio").length).toBeGreaterThan(0);
  });

  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(screen.getByLabelText("カード交付"));
  await userEvent.click(within(group).getByRole("radio", { name: /09:15/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  expect(await screen.findByRole("alert")).toHaveTextContent(errors.not_allowed);
  expect(screen.queryByTestId("reservation-number")).toBeNull();
  expect(fake.reservations).toEqual([]);

  // The outreach laptop (this PC's site is the venue) books it.
  fake.here = "kgu";
  const booked = await fake.book(request("シュッチョウ", "09:15", "kgu"));
  expect(fake.reservationSites.get(booked.id)).toBe("kgu");
});

test("an outreach site's board is closed on any other day: この拠点の開設日ではありません", async () => {
  // Its day is tomorrow; the board opens on today.
  const fake = city("kgu");
  render(<BoardScreen backend={fake} />);
  expect(await screen.findByTestId("closed")).toHaveTextContent("この拠点の開設日ではありません。");
  await expect(fake.book(request("ベツビ", "09:00", "kgu", today()))).rejects.toMatchObject({ code: "day_closed" });
  expect((await fake.dayBoard(DAY, "kgu")).status.kind).toBe("open");
});

/** The 出張準備 line `name` of the card: its mark (✓ or ✗) and text. */
const check = (card: HTMLElement, name: string) => card.querySelector<HTMLElement>(`li[data-check="${name}"]`)!;

test("the 出張準備 card is not shown on a PC that is not an outreach laptop", async () => {
  const fake = city("main", true);
  fake.sync = { ...fake.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true };
  const asked = vi.spyOn(fake, "outreachReadiness");
  render(<SyncScreen backend={fake} manager={false} />);
  await waitFor(() => expect(asked).toHaveBeenCalled());
  await act(async () => {
    await asked.mock.results[0].value;
  });
  expect(await screen.findByTestId("sync-facts")).toBeInTheDocument();
  expect(screen.queryByTestId("outreach-readiness")).toBeNull();
  expect(await fake.outreachReadiness()).toBeNull();
});

test("the outreach laptop is not ready until sealed; then, every free place held, it is ready", async () => {
  const fake = city("kgu");
  fake.sync = { ...fake.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true, lastSync: "2027-01-14T06:30:00Z", pending: 2 };
  render(<SyncScreen backend={fake} manager={false} />);
  const card = await screen.findByTestId("outreach-readiness");
  const weekday = "日月火水木金土"[new Date(`${DAY}T00:00:00Z`).getUTCDay()];
  expect(within(card).getByRole("heading", { level: 2 })).toHaveTextContent(`出張準備：出張 関西学院（${DAY} ${weekday}曜日）`);
  expect(check(card, "assigned")).toHaveTextContent("✓この会場の端末として登録済み");
  expect(check(card, "sealed")).toHaveTextContent("✗封鎖済み");
  expect(check(card, "pending")).toHaveTextContent("✗未送信なし（未送信 2 件）");
  // 12 slots of 2 places, none held here yet.
  expect(check(card, "places")).toHaveTextContent("✗空き枠をすべてこの端末で確定できる（0／24 人分）");
  expect(check(card, "last-sync")).toHaveTextContent(`最終同期：${new Date("2027-01-14T06:30:00Z").toLocaleString("ja-JP")}`);
  expect(screen.queryByTestId("outreach-ready")).toBeNull();
  const notReady = within(card).getByTestId("outreach-not-ready");
  expect(notReady).toHaveTextContent("まだ出発できません");
  expect(notReady).toHaveTextContent("業務管理者が「設定」→「拠点」でこの会場の「封鎖」を押し、そのあとこの端末をもう一度同期させてください。");
  expect(notReady).toHaveTextContent("未送信がなくなるまで同期させてください");

  // Sealed at the hub; the next sync sends the two changes and brings every free place here.
  fake.siteList[1].sealed = true;
  fake.sync = { ...fake.sync, pending: 0, escrowPlaces: 24, cursor: fake.sync.cursor + 1 };
  act(() => void window.dispatchEvent(new Event(SYNCED_EVENT)));
  expect(await within(card).findByTestId("outreach-ready")).toHaveTextContent("準備完了：ネットワークがなくても会場で受付できます");
  expect(card).toHaveAttribute("data-ready", "true");
  expect(check(card, "sealed")).toHaveTextContent("✓封鎖済み");
  expect(check(card, "pending")).toHaveTextContent("✓未送信なし");
  expect(check(card, "pending")).not.toHaveTextContent("件");
  expect(check(card, "places")).toHaveTextContent("✓空き枠をすべてこの端末で確定できる（24／24 人分）");
  expect(screen.queryByTestId("outreach-not-ready")).toBeNull();
});

test("sealed but still short of places, the laptop is told to sync again", async () => {
  const fake = city("kgu", true);
  fake.sync = { ...fake.sync, escrowPlaces: 20 };
  render(<SyncScreen backend={fake} manager={false} />);
  const notReady = await screen.findByTestId("outreach-not-ready");
  const card = screen.getByTestId("outreach-readiness");
  expect(check(card, "sealed")).toHaveTextContent("✓");
  expect(check(card, "places")).toHaveTextContent("✗空き枠をすべてこの端末で確定できる（20／24 人分）");
  expect(check(card, "last-sync")).toHaveTextContent("最終同期：まだ同期していません");
  expect(notReady).toHaveTextContent("この端末をもう一度同期させてください");
  expect(notReady).not.toHaveTextContent("業務管理者");
});
