import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { FakeBackend, sampleStatus } from "./api/fake";

const trainingStatus = { ...sampleStatus, meta: { ...sampleStatus.meta, kind: "training" as const } };

test("a training store says 研修モード in the header from the unlock screen on", async () => {
  render(<App backend={new FakeBackend(undefined, trainingStatus)} />);
  // Locked: the data folder's hint already says so.
  await screen.findByLabelText("サイトの合言葉");
  expect(await screen.findByTestId("training-mark")).toHaveTextContent("研修モード");
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  // The sign-in screen (nobody signed in yet) already carries the mark.
  const mark = await screen.findByTestId("training-mark");
  expect(mark).toHaveTextContent("研修モード");
  expect(mark).toHaveAttribute("title", expect.stringContaining("架空データ"));
  expect(mark.closest(".frame")).toHaveClass("training");
});

test("a real store shows no training mark", async () => {
  render(<App backend={new FakeBackend()} />);
  await screen.findByLabelText("サイトの合言葉");
  expect(screen.queryByTestId("training-mark")).toBeNull();
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await screen.findByTestId("where");
  expect(screen.queryByTestId("training-mark")).toBeNull();
  expect(document.querySelector(".frame")).not.toHaveClass("training");
});

test("the manager resets a training store to its training day after typing リセット", async () => {
  render(<App backend={new FakeBackend(undefined, trainingStatus)} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "ストアの状態" }));
  const panel = await screen.findByTestId("training-day");
  expect(panel).toHaveTextContent("まだ研修日にリセットしていません");
  const button = screen.getByRole("button", { name: "研修日にリセット" });
  expect(button).toBeDisabled();
  await userEvent.type(screen.getByLabelText(/「リセット」と入力/), "リセット");
  expect(button).toBeEnabled();
  await userEvent.click(button);
  expect(await screen.findByText(/研修日 2026-10-01 にリセットしました/)).toBeInTheDocument();
  expect(panel).toHaveTextContent("研修日 2026-10-01 の業務を再現しています");
});

test("a real store's status screen has no training day", async () => {
  render(<App backend={new FakeBackend()} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "ストアの状態" }));
  await screen.findByTestId("status");
  expect(screen.queryByTestId("training-day")).toBeNull();
});
