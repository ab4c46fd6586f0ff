// Sync on the fake backend: the header indicator, enrolling this seat (a malformed code gets a
// Japanese error), and a booking conflict showing who to call until it is resolved.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";
import { SyncIndicator } from "../components/SyncIndicator";

async function openSync(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "同期" }));
}

test("a seat is enrolled with the hub from the screen; a malformed code is refused in Japanese", async () => {
  const backend = new FakeBackend();
  await openSync(backend);
  expect(await screen.findByTestId("sync-indicator")).toHaveTextContent("ハブ未登録");
  const form = await screen.findByTestId("enrol");
  await userEvent.type(within(form).getByLabelText(/ハブのアドレス/), "192.168.1.10:7750");
  await userEvent.type(within(form).getByLabelText("登録コード"), "12345");
  await userEvent.click(within(form).getByRole("button", { name: "登録する" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("登録コードの形式が違います");
  await userEvent.clear(within(form).getByLabelText("登録コード"));
  await userEvent.type(within(form).getByLabelText("登録コード"), "K7QM-2XPA-R9TD-5f3a9c0e-12b4d7aa-90c1e2f3-4a5b6c7d");
  await userEvent.click(within(form).getByRole("button", { name: "登録する" }));
  expect(await screen.findByTestId("sync-message")).toHaveTextContent("ハブ に登録しました");
  await waitFor(() => expect(screen.getByTestId("sync-indicator")).toHaveTextContent("ハブに接続中"));
});

test("a booking conflict shows who to call and stays until resolved", async () => {
  const backend = new FakeBackend();
  backend.sync = { ...backend.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true };
  backend.conflictList = [
    {
      record: {
        id: "c1", seat: "窓口3", staff: "S002", kind: "book", subject: "5107-1290", reason: "slot_full",
        message: "no free place", madeAt: "2026-12-01T08:39:00", raisedAt: "2026-12-01T09:00:00Z",
      },
      mutation: { op: "book", day: "2026-12-03", starts: "13:00:00", people: [{ applicant: { nameKanji: "見本 花子", nameKana: "ミホン ハナコ", phone: "080-1111-2222" } }] },
      resolvedAt: null, resolvedBy: null, resolution: null,
    },
  ];
  await openSync(backend);
  await waitFor(() => expect(screen.getByTestId("conflict-count")).toHaveTextContent("競合 1 件"));
  const card = await screen.findByTestId("conflict");
  expect(card).toHaveTextContent("予約が確定できませんでした");
  expect(card).toHaveTextContent("他の席の予約で満席");
  expect(within(card).getByTestId("call")).toHaveTextContent("見本 花子（ミホン ハナコ）080-1111-2222");
  const resolve = within(card).getByRole("button", { name: "対応済みにする" });
  expect(resolve).toBeDisabled();
  await userEvent.type(within(card).getByLabelText("対応内容"), "12/4 10:00 に予約し直し");
  await userEvent.click(resolve);
  await waitFor(() => expect(screen.queryByTestId("conflict")).toBeNull());
  expect(backend.conflictList[0].resolution).toBe("12/4 10:00 に予約し直し");
});

test("a repair from the hub's data and a version mismatch are said in Japanese", async () => {
  const backend = new FakeBackend();
  backend.sync = {
    ...backend.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: false,
    errorCode: "sync_update_seat", lastError: "this seat's schema is version 12, the hub's is 13: update the seat",
    hubVersion: "0.2.0", repairs: 1, lastRepairAt: "2026-12-01T09:00:00Z", lastRepairReason: "ahead",
  };
  await openSync(backend);
  await waitFor(() => expect(screen.getByTestId("sync-indicator")).toHaveTextContent("この端末を更新してください"));
  expect(await screen.findByTestId("sync-error")).toHaveTextContent("この端末を更新してください");
  expect(screen.getByTestId("sync-repair")).toHaveTextContent("ハブがバックアップから戻されたため");
  expect(screen.getByTestId("sync-versions")).toHaveTextContent("この端末 0.1.0・ハブ 0.2.0");
});

test("the hub's seat tools ask the manager's PIN again; a wrong PIN is said in Japanese and nothing is done", async () => {
  const backend = new FakeBackend();
  backend.sync = { ...backend.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true };
  await openSync(backend);
  const load = await screen.findByRole("button", { name: "席の一覧を読み込む" });
  expect(load).toBeDisabled();
  const pin = screen.getByLabelText("暗証番号（確認）");
  await userEvent.type(pin, "9999");
  await userEvent.click(load);
  expect(await screen.findByRole("alert")).toHaveTextContent("暗証番号");
  expect(screen.queryByTestId("hub-seats")).toBeNull();
  expect(pin).toHaveValue("");
  await userEvent.type(pin, "1234");
  await userEvent.click(load);
  expect(await screen.findByTestId("hub-seats")).toBeInTheDocument();
  await userEvent.type(pin, "1234");
  await userEvent.click(screen.getByRole("button", { name: "新しい席の登録コードを発行" }));
  expect(await screen.findByTestId("sync-message")).toHaveTextContent(/登録コード：[A-Z0-9-]+-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}/);
});

test("a change the hub refused for who made it is shown in Japanese with the seat it came from", async () => {
  const backend = new FakeBackend();
  backend.sync = { ...backend.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true };
  backend.conflictList = [
    {
      record: {
        id: "c2", seat: "窓口9", staff: "S001", kind: "staff_reset_pin", subject: "C001", reason: "origin_refused",
        message: "staff ID S001 (staff) may not manage_staff", madeAt: "2026-12-01T08:39:00", raisedAt: "2026-12-01T09:00:00Z",
      },
      mutation: { op: "set_pin_hash", code: "C001", pin_hash: "x" },
      resolvedAt: null, resolvedBy: null, resolution: null,
    },
  ];
  await openSync(backend);
  const card = await screen.findByTestId("conflict");
  expect(card).toHaveTextContent("窓口9・S001");
  expect(card).toHaveTextContent("権限が確認できないため、反映しませんでした");
  expect(card).not.toHaveTextContent("may not");
});

test("a new seat says it is still receiving the hub's data until its first load is in", async () => {
  const backend = new FakeBackend();
  backend.sync = { ...backend.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true, loading: true };
  render(<SyncIndicator backend={backend} onOpen={() => {}} />);
  await waitFor(() => expect(screen.getByTestId("sync-indicator")).toHaveTextContent("ハブからデータを受信中"));
  backend.sync = { ...backend.sync, loading: false };
  await waitFor(() => expect(screen.getByTestId("sync-indicator")).toHaveTextContent("ハブに接続中"));
});

test("another app version at the hub, with the same schema, is said with what to do while sync goes on", async () => {
  const backend = new FakeBackend();
  backend.sync = { ...backend.sync, enrolled: true, hubName: "ハブ", hubAddress: "hub:7750", connected: true, hubVersion: "0.2.0" };
  await openSync(backend);
  expect(await screen.findByTestId("sync-version-differs")).toHaveTextContent("ハブのアプリの版（0.2.0）がこの端末（0.1.0）と違います");
  expect(screen.getByTestId("sync-version-differs")).toHaveTextContent("同じ版に更新してください");
});
