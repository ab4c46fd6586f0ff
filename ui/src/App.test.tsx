import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { FakeBackend } from "./api/fake";

test("a wrong passphrase shows the Japanese error and clears the field", async () => {
  render(<App backend={new FakeBackend()} />);
  const input = await screen.findByLabelText("サイトの合言葉");
  await userEvent.type(input, "not it{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("合言葉が違います");
  expect(input).toHaveValue("");
});

test("unlocking shows the status from the backend, and Ctrl+L locks again", async () => {
  render(<App backend={new FakeBackend()} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  expect(await screen.findByText("ストアの状態", { selector: "h1 *, h1" })).toBeInTheDocument();
  expect(screen.getByTestId("status")).toHaveTextContent("テスト市 特設窓口");
  expect(screen.getByTestId("status")).toHaveTextContent("40 件");
  await userEvent.keyboard("{Control>}l{/Control}");
  expect(await screen.findByLabelText("サイトの合言葉")).toBeInTheDocument();
});

test("no store: tells how to create one", async () => {
  render(<App backend={new FakeBackend(undefined, undefined, "no_store")} />);
  expect(await screen.findByText("ストアがありません")).toBeInTheDocument();
});
