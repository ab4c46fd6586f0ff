// The two-visit outcome in the UI: the phone intake says it before booking (in the words the
// back office reads aloud), the booking's read-back repeats it, and the counter checklist shows
// it with the reason; a fact answered at the counter switches it. A revisit's reason is a code
// from the list (the city's active codes included); staff's words are optional.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import { ChecklistScreen } from "./ChecklistScreen";

test("a two-visit case is said before booking, read back, and shown at the counter with why", async () => {
  const backend = new FakeBackend();
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(screen.getByLabelText("電子証明書の更新"));
  expect(screen.queryByTestId("visit-notice-0")).not.toBeInTheDocument();
  await userEvent.click(await screen.findByLabelText("電子証明書の有効期限はもう過ぎていますか？"));
  const notice = await screen.findByTestId("visit-notice-0");
  expect(notice).toHaveTextContent("今回は書類のお預かりのみで、後日もう一度お越しいただきます。");
  expect(notice).toHaveTextContent("有効期限が過ぎている");
  await userEvent.click(await screen.findByRole("radio", { name: /10:00/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  const number = (await screen.findByTestId("reservation-number")).textContent!;
  expect(screen.getByTestId("two-visits-0")).toHaveTextContent("後日もう一度お越しいただきます");
  expect(screen.getByTestId("bring-list")).toHaveTextContent("ご本人の本人確認書類");

  await userEvent.click(screen.getByRole("link", { name: "書類の確認" }));
  await userEvent.type(screen.getByLabelText("予約番号"), `${number}{Enter}`);
  const card = await screen.findByTestId("checklist-0");
  expect(within(card).getByTestId("visit-plan")).toHaveTextContent("2回の来庁になります");
  expect(within(card).getByTestId("visit-plan")).toHaveTextContent("文書照会");
  // The fact was wrong after all: one visit.
  await userEvent.click(within(card).getByLabelText("電子証明書の有効期限はもう過ぎていますか？"));
  expect(await within(card).findByTestId("visit-plan")).toHaveTextContent("今日で手続きが終わります");
  expect(backend.cases.get(`${number}/0/counter`)?.facts).toEqual({ certificate_expired: false });
});

/** A booking for today whose documents are not yet presented. */
async function bookToday(backend: FakeBackend): Promise<string> {
  const r = await backend.book({
    day: today(),
    starts: "10:00",
    channel: "phone",
    people: [{ nameKanji: "見本 花子", nameKana: "ミホン ハナコ", phone: null, birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
    notes: "",
  } as unknown as Parameters<FakeBackend["book"]>[0]);
  return r.number;
}

/** That booking's checklist, open. */
async function openChecklist(backend: FakeBackend): Promise<{ number: string; card: HTMLElement }> {
  const number = await bookToday(backend);
  render(<ChecklistScreen backend={backend} number={number} />);
  return { number, card: await screen.findByTestId("checklist-0") };
}

test("a revisit is recorded with a code from the list; the words are optional and stay off reports", async () => {
  const backend = new FakeBackend(undefined, undefined, "unlocked");
  const { number, card } = await openChecklist(backend);
  const picker = within(card).getByLabelText("再来庁の理由");
  // The missing identity document suggests its code; staff can pick another.
  expect(picker).toHaveDisplayValue("本人確認書類の不足");
  const words = within(card).getByLabelText(/補足（任意・報告書には載りません/);
  expect(words).toHaveValue("");
  const button = within(card).getByRole("button", { name: "再来庁にする" });

  await userEvent.selectOptions(picker, "理由を選んでください");
  expect(button).toBeDisabled();
  await userEvent.selectOptions(picker, "顔写真の不備");
  await userEvent.type(words, "写真の背景が暗い{Enter}");

  expect(await within(card).findByTestId("outcome")).toHaveTextContent("再来庁：顔写真の不備（写真の背景が暗い）");
  expect(backend.outcomes.get(`${number}/0`)).toEqual({
    outcome: "revisit",
    code: "photo",
    reason: "写真の背景が暗い",
    missing: ["notice_postcard", "holder_id"],
  });
});

test("a revisit without words sends the code alone; the city's active codes are offered, retired ones not", async () => {
  const backend = new FakeBackend(undefined, undefined, "unlocked");
  backend.cityReasonList = [
    { kind: "revisit", code: "city_1", label: "窓口混雑のため後日", active: true },
    { kind: "revisit", code: "city_2", label: "古い理由", active: false },
    { kind: "cancel", code: "city_3", label: "荒天", active: true },
  ];
  const { number, card } = await openChecklist(backend);
  const picker = within(card).getByLabelText("再来庁の理由");
  const options = within(picker).getAllByRole("option").map((o) => o.textContent);
  expect(options).toContain("窓口混雑のため後日");
  expect(options).not.toContain("古い理由");
  expect(options).not.toContain("荒天");
  expect(options.at(-1)).toBe("その他");

  picker.focus();
  await userEvent.selectOptions(picker, "窓口混雑のため後日");
  await userEvent.click(within(card).getByRole("button", { name: "再来庁にする" }));
  expect(await within(card).findByTestId("outcome")).toHaveTextContent("再来庁：窓口混雑のため後日");
  expect(backend.outcomes.get(`${number}/0`)).toMatchObject({ outcome: "revisit", code: "city_1", reason: "" });
});

test("an individual number in the revisit words is refused in Japanese and no outcome is recorded", async () => {
  const backend = new FakeBackend(undefined, undefined, "unlocked");
  const { number, card } = await openChecklist(backend);
  // 123456789018 has a valid check digit.
  await userEvent.type(within(card).getByLabelText(/補足/), "番号 1234 5678 9018");
  await userEvent.click(within(card).getByRole("button", { name: "再来庁にする" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("個人番号（マイナンバー）と思われる12桁の番号");
  expect(backend.outcomes.has(`${number}/0`)).toBe(false);
});

test("an outcome stored before codes shows its words", async () => {
  const backend = new FakeBackend(undefined, undefined, "unlocked");
  const number = await bookToday(backend);
  backend.outcomes.set(`${number}/0`, { outcome: "revisit", reason: "書類不足", missing: [] });
  render(<ChecklistScreen backend={backend} number={number} />);
  expect(await screen.findByTestId("outcome")).toHaveTextContent("再来庁：書類不足");
});
