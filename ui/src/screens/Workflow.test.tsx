// The counter workflow on the fake backend: a seat calls the next person (F2), verifies the
// checklist, puts the city's bundle together, hands it to a named city staff member; city
// staff acknowledge and complete; reception sees the figures; the day end shows a mismatch and
// its coded reason; the city's own reason codes are offered in the pickers.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { today } from "../api/backend";
import { FakeBackend } from "../api/fake";

async function checkedInCase(setUp: (backend: FakeBackend) => void = () => {}): Promise<FakeBackend> {
  const backend = new FakeBackend();
  setUp(backend);
  const r = await backend.book({
    day: today(),
    starts: "10:00",
    channel: "phone",
    people: [{ nameKanji: "見本 花子", nameKana: "ミホン ハナコ", phone: null, birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
    notes: "",
    intake: [],
  } as unknown as Parameters<FakeBackend["book"]>[0]);
  await backend.setReservationStatus(r.number, "checked_in");
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "窓口（席）" }));
  return backend;
}

test("a case goes from the seat to city staff and is completed; out-of-order steps are not offered", async () => {
  const backend = await checkedInCase();
  expect(await screen.findByTestId("waiting-count")).toHaveTextContent("お待ちの方 1 人");
  await userEvent.keyboard("{F2}");
  const current = await screen.findByTestId("current-case");
  expect(current).toHaveTextContent("ミホン ハナコ");
  expect(current).toHaveAttribute("data-state", "called");

  // Not ready yet: the store refuses, the screen says so in Japanese.
  await userEvent.click(within(current).getByRole("button", { name: "書類確認済みにする" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("できません");
  backend.outcomes.set("1000-0000/0", { outcome: "ready" } as never);
  await userEvent.click(within(current).getByRole("button", { name: "書類確認済みにする" }));
  await userEvent.click(await screen.findByRole("button", { name: "申請書の記入・確認済みにする" }));

  // The bundle: every city document must be ticked before it can be marked prepared.
  const bundle = await screen.findByTestId("bundle");
  const prepare = within(bundle).getByRole("button", { name: "書類一式を準備済みにする" });
  await userEvent.click(within(bundle).getByLabelText("交付通知書（はがき）"));
  expect(prepare).toBeDisabled();
  await userEvent.click(within(bundle).getByLabelText("本人確認記録票"));
  await userEvent.click(prepare);
  await userEvent.selectOptions(await screen.findByLabelText("手交する市職員"), "C001");
  await userEvent.click(screen.getByRole("button", { name: "市職員に手交する" }));
  expect(await screen.findByTestId("seat-idle")).toBeInTheDocument();

  // City staff acknowledge with their own ID and PIN; a wrong PIN is refused.
  await userEvent.click(screen.getByRole("link", { name: "手交・受領" }));
  const queue = await screen.findByTestId("handoff-queue");
  expect(queue).toHaveTextContent("市役所 田中（C001）");
  const credentials = screen.getByTestId("city-credentials");
  await userEvent.type(within(credentials).getByLabelText("市職員の職員番号"), "C001");
  await userEvent.type(within(credentials).getByLabelText("暗証番号"), "9999");
  await userEvent.click(within(queue).getByRole("button", { name: "受領を確認する" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("暗証番号が違います");
  expect(within(credentials).getByLabelText("暗証番号")).toHaveValue("");
  await userEvent.type(within(credentials).getByLabelText("暗証番号"), "2222");
  await userEvent.click(within(queue).getByRole("button", { name: "受領を確認する" }));
  await userEvent.type(within(credentials).getByLabelText("暗証番号"), "2222");
  await userEvent.click(await within(await screen.findByTestId("acknowledged")).findByRole("button", { name: "交付完了にする" }));
  expect(backend.caseList[0].state).toBe("completed");

  // Reception sees the day's figures.
  await userEvent.click(screen.getByRole("link", { name: "待合状況" }));
  const figures = await screen.findByTestId("queue-figures");
  expect(within(figures).getByText("お待ちの方").nextSibling).toHaveTextContent("0 人");
  expect(await screen.findByTestId("case-table")).toHaveTextContent("完了");
});

test("a revisit needs a reason and ends the case", async () => {
  const backend = await checkedInCase();
  await userEvent.click(await screen.findByRole("button", { name: "次の方を呼ぶ" }));
  const current = await screen.findByTestId("current-case");
  await userEvent.click(within(current).getByText("再来庁・取消"));
  const revisit = within(current).getByRole("button", { name: "再来庁にする" });
  expect(revisit).toBeDisabled();
  await userEvent.type(within(current).getByLabelText(/補足/), "運転免許証を忘れた");
  expect(revisit).toBeDisabled();
  await userEvent.selectOptions(within(current).getByLabelText("再来庁の理由"), "本人確認書類の不足");
  await userEvent.click(revisit);
  expect(await screen.findByTestId("seat-idle")).toBeInTheDocument();
  expect(backend.caseList[0]).toMatchObject({ state: "revisit", endReason: "運転免許証を忘れた", endCode: "identity_documents" });
});

test("an individual number in a reason is refused in Japanese and nothing is recorded", async () => {
  const backend = await checkedInCase();
  await userEvent.click(await screen.findByRole("button", { name: "次の方を呼ぶ" }));
  const current = await screen.findByTestId("current-case");
  await userEvent.click(within(current).getByText("再来庁・取消"));
  await userEvent.selectOptions(within(current).getByLabelText("取消の理由"), "その他");
  // 123456789018 has a valid check digit; typed in full width with hyphens.
  await userEvent.type(within(current).getByLabelText(/補足/), "番号１２３４－５６７８－９０１８");
  await userEvent.click(within(current).getByRole("button", { name: "取消にする" }));
  expect(await screen.findByText(/個人番号（マイナンバー）と思われる12桁の番号/)).toBeInTheDocument();
  expect(backend.caseList[0].state).toBe("called");
  expect(backend.caseList[0].endReason).toBe("");
});

/** One case handed to city staff today, and the day-end screen open. */
async function dayEnd(setUp?: (backend: FakeBackend) => void): Promise<FakeBackend> {
  const backend = await checkedInCase(setUp);
  backend.caseList[0].handedAt = `${today()}T10:20:00`;
  backend.caseList[0].state = "handed_over";
  backend.caseList[0].handedTo = "C001";
  backend.caseList[0].handedToName = "市役所 田中";
  await userEvent.click(screen.getByRole("link", { name: "日次照合" }));
  expect(await screen.findByTestId("recorded")).toHaveTextContent("1 枚");
  return backend;
}

test("the day-end count is reconciled; a difference needs its coded reason, the words are optional", async () => {
  const backend = await dayEnd();
  expect(screen.getByTestId("unacknowledged")).toHaveTextContent("市役所 田中（C001）");
  expect(screen.queryByLabelText("差の理由")).toBeNull();
  await userEvent.type(screen.getByLabelText("数えた枚数"), "2");
  const picker = screen.getByLabelText("差の理由");
  expect(within(picker).getAllByRole("option").map((o) => o.textContent).at(-1)).toBe("その他");

  // No code yet: refused before anything is sent.
  await userEvent.click(screen.getByRole("button", { name: "枚数を記録する" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("差の理由を選んでください");
  expect(backend.formCounts.size).toBe(0);

  await userEvent.selectOptions(picker, "書き損じ");
  await userEvent.type(screen.getByLabelText(/補足（任意・報告書には載りません/), "窓口2で1枚{Enter}");
  expect(await screen.findByTestId("difference-reason")).toHaveTextContent("記録された理由：書き損じ");
  expect(screen.getByTestId("difference")).toHaveTextContent("差が +1 枚あります");
  expect(backend.formCounts.get(today())).toEqual({ count: 2, code: "spoiled", note: "窓口2で1枚" });
});

test("a count that matches sends no reason; a city code is offered for a difference", async () => {
  const backend = await dayEnd((b) => {
    b.cityReasonList = [{ kind: "form_difference", code: "city_1", label: "市職員が持ち帰り", active: true }];
  });
  await userEvent.type(screen.getByLabelText("数えた枚数"), "1{Enter}");
  expect(await screen.findByTestId("difference")).toHaveTextContent("一致しています");
  expect(backend.formCounts.get(today())).toEqual({ count: 1, code: "", note: "" });

  await userEvent.clear(screen.getByLabelText("数えた枚数"));
  await userEvent.type(screen.getByLabelText("数えた枚数"), "0");
  await userEvent.selectOptions(screen.getByLabelText("差の理由"), "市職員が持ち帰り");
  await userEvent.click(screen.getByRole("button", { name: "枚数を記録する" }));
  expect(await screen.findByTestId("difference-reason")).toHaveTextContent("市職員が持ち帰り");
  expect(backend.formCounts.get(today())).toEqual({ count: 0, code: "city_1", note: "" });
});

test("the counter offers the city's cancel codes and the queue shows their labels", async () => {
  const backend = await checkedInCase((b) => {
    b.cityReasonList = [{ kind: "cancel", code: "city_1", label: "荒天のため中止", active: true }];
  });
  await userEvent.click(await screen.findByRole("button", { name: "次の方を呼ぶ" }));
  const current = await screen.findByTestId("current-case");
  await userEvent.click(within(current).getByText("再来庁・取消"));
  await userEvent.selectOptions(within(current).getByLabelText("取消の理由"), "荒天のため中止");
  await userEvent.click(within(current).getByRole("button", { name: "取消にする" }));
  expect(await screen.findByTestId("seat-idle")).toBeInTheDocument();
  expect(backend.caseList[0]).toMatchObject({ state: "cancelled", endCode: "city_1", endReason: "" });
  await userEvent.click(screen.getByRole("link", { name: "待合状況" }));
  expect(await screen.findByTestId("case-table")).toHaveTextContent("荒天のため中止");
});
