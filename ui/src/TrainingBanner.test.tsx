import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { FakeBackend, sampleStatus } from "./api/fake";

const trainingStatus = { ...sampleStatus, meta: { ...sampleStatus.meta, kind: "training" as const } };

test("a training store says 研修モード in the header from the sign-in screen on", async () => {
  render(<App backend={new FakeBackend(undefined, trainingStatus)} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  // The sign-in screen (nobody signed in yet) already carries the mark.
  const mark = await screen.findByTestId("training-mark");
  expect(mark).toHaveTextContent("研修モード");
  expect(mark).toHaveAttribute("title", expect.stringContaining("架空データ"));
  expect(mark.closest(".frame")).toHaveClass("training");
});

test("a real store shows no training mark", async () => {
  render(<App backend={new FakeBackend()} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await screen.findByTestId("where");
  expect(screen.queryByTestId("training-mark")).toBeNull();
  expect(document.querySelector(".frame")).not.toHaveClass("training");
});
