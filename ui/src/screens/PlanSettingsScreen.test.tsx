import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FakeBackend } from "../api/fake";
import { today } from "../api/backend";
import { PlanSettingsScreen } from "./PlanSettingsScreen";

function backend() {
  return new FakeBackend(undefined, undefined, "unlocked");
}

const person = (kana: string) => ({
  nameKanji: "見本 太郎",
  nameKana: kana,
  phone: "09000001234",
  birthDate: null,
  applicantType: "self" as const,
  procedures: ["card_issue" as const],
});

test("booking rules are saved and read back", async () => {
  const fake = backend();
  render(<PlanSettingsScreen backend={fake} />);
  const form = await screen.findByTestId("rules-form");
  const ahead = within(form).getByRole("spinbutton", { name: /何日先まで/ });
  await userEvent.clear(ahead);
  await userEvent.type(ahead, "31");
  await userEvent.click(within(form).getByRole("checkbox"));
  await userEvent.click(within(form).getByRole("button", { name: "保存" }));
  expect(await screen.findByRole("status")).toHaveTextContent("保存しました");
  expect(fake.settings.rules).toEqual({ daysAhead: 31, minDaysBefore: 0, lateMinutes: 5, oneBookingPerPerson: false });
});

test("a rule the backend refuses shows the Japanese error", async () => {
  render(<PlanSettingsScreen backend={backend()} />);
  const form = await screen.findByTestId("rules-form");
  await userEvent.clear(within(form).getByRole("spinbutton", { name: /何日先まで/ }));
  await userEvent.type(within(form).getByRole("spinbutton", { name: /何日先まで/ }), "0{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("入力内容に誤りがあります");
});

test("lowering the plan's capacity lists the bookings that no longer fit", async () => {
  const fake = backend();
  const day = today();
  const a = await fake.book({ day, starts: "09:00", channel: "phone", people: [person("ミホン イチ")], notes: "" });
  const b = await fake.book({ day, starts: "09:00", channel: "phone", people: [person("ミホン ニ")], notes: "" });
  render(<PlanSettingsScreen backend={fake} />);
  const form = await screen.findByTestId("plan-form");
  const input = form.querySelector<HTMLInputElement>("input[name=bandCapacity0]")!;
  await userEvent.clear(input);
  await userEvent.type(input, "1");
  await userEvent.click(within(form).getByRole("button", { name: "保存" }));
  const followUp = await screen.findByTestId("follow-up");
  expect(followUp).toHaveTextContent("要連絡の予約（1件）");
  expect(within(followUp).getByText(b.number)).toBeInTheDocument();
  expect(within(followUp).queryByText(a.number)).toBeNull();
});

test("a J-LIS outage lists the affected booking and keeps an incident record", async () => {
  const fake = backend();
  const day = today();
  const r = await fake.book({ day, starts: "10:00", channel: "phone", people: [person("ミホン サン")], notes: "" });
  render(<PlanSettingsScreen backend={fake} />);
  const form = await screen.findByTestId("closure-form");
  const dayInput = form.querySelector<HTMLInputElement>("input[name=closureDay]")!;
  await userEvent.type(dayInput, day);
  await userEvent.type(form.querySelector<HTMLInputElement>("input[name=closureNote]")!, "J-LIS 障害");
  await userEvent.click(within(form).getByRole("button", { name: "休止を登録" }));
  expect(await screen.findByTestId("follow-up")).toHaveTextContent(r.number);
  const incident = await screen.findByTestId("incident");
  expect(incident).toHaveTextContent("システム障害（J-LIS）");
  expect(incident).toHaveTextContent("終日");
  expect(within(incident).getByText("要連絡")).toBeInTheDocument();
  expect(within(incident).getByText(r.number)).toBeInTheDocument();
});
