// The planner on the fake backend: raising a take-up assumption updates the staffing table and
// the chart at once; saving keeps the assumptions.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

test("a what-if take-up changes the staff and the chart, and is saved on request", async () => {
  const backend = new FakeBackend();
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "体制計画" }));
  const row = async () => (await screen.findByTestId("plan-table")).querySelector("tr[data-month='2026-12']") as HTMLElement;
  const counter = async () => within(await row()).getByText((_, el) => el?.getAttribute("data-col") === "counter").textContent;
  const bar = async () => (await screen.findByTestId("plan-chart")).querySelector("rect")?.getAttribute("data-value");
  expect(await counter()).toBe("5");
  expect(await bar()).toBe("83");

  const field = screen.getByLabelText(/電子証明書の来庁率/);
  await userEvent.clear(field);
  await userEvent.type(field, "90");
  await waitFor(async () => expect(await bar()).toBe("135"));
  expect(await counter()).toBe("7");
  expect(backend.assumptions.takeUpCertificate).toBe(0.45);

  await userEvent.click(screen.getByRole("button", { name: "前提を保存" }));
  expect(await screen.findByTestId("plan-message")).toHaveTextContent("保存しました");
  expect(backend.assumptions.takeUpCertificate).toBe(0.9);
});
