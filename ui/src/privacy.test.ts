// The WebView keeps nothing: every text field of every screen is left without autofill,
// autocorrect or spellcheck memory; the context menu and the print and save-page shortcuts do
// nothing, app-wide (docs/threat-model.md, "What the WebView stores").
import { createElement } from "react";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { FakeBackend } from "./api/fake";
import { hardenField, installWebViewGuards, isBlockedShortcut } from "./privacy";

let uninstall: () => void = () => {};
beforeEach(() => {
  uninstall = installWebViewGuards(window);
});
afterEach(() => uninstall());

/** Fields whose attributes would let the WebView remember what was typed. */
function unguardedFields(): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea"))
    .filter((el) => !(el instanceof HTMLInputElement) || !["hidden", "checkbox", "radio", "button", "submit", "reset", "file", "range", "color", "image"].includes(el.type))
    .filter((el) => {
      const ac = el.getAttribute("autocomplete");
      const wantedAc = el instanceof HTMLInputElement && el.type === "password" ? "new-password" : "off";
      return ac !== wantedAc || el.getAttribute("spellcheck") !== "false" || el.getAttribute("autocorrect") !== "off" || el.getAttribute("autocapitalize") !== "off";
    })
    .map((el) => `${el.tagName.toLowerCase()}[name=${el.getAttribute("name") ?? ""}][type=${el.getAttribute("type") ?? ""}]`);
}

test("the passphrase field and every field of the booking screen keep nothing", async () => {
  render(createElement(App, { backend: new FakeBackend() }));
  const passphrase = await screen.findByLabelText("サイトの合言葉");
  expect(passphrase).toHaveAttribute("autocomplete", "new-password");
  expect(unguardedFields()).toEqual([]);
  await userEvent.type(passphrase, "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  const name = screen.getByLabelText("氏名（漢字）");
  const phone = screen.getByLabelText("電話番号");
  for (const field of [name, screen.getByLabelText("氏名（カナ）"), phone]) {
    expect(field).toHaveAttribute("autocomplete", "off");
    expect(field).toHaveAttribute("spellcheck", "false");
  }
  // A second applicant's fields, rendered later, are covered too.
  const before = document.querySelectorAll("input").length;
  await userEvent.click(screen.getByRole("button", { name: /同行の家族を追加/ }));
  await Promise.resolve();
  expect(document.querySelectorAll("input").length).toBeGreaterThan(before);
  expect(unguardedFields()).toEqual([]);
});

test("a field whose type changes is redone (a shown passphrase is text, then password again)", async () => {
  const input = document.createElement("input");
  input.type = "password";
  document.body.append(input);
  await Promise.resolve();
  expect(input).toHaveAttribute("autocomplete", "new-password");
  input.type = "text";
  await Promise.resolve();
  expect(input).toHaveAttribute("autocomplete", "off");
  input.setAttribute("autocomplete", "on");
  await Promise.resolve();
  expect(input).toHaveAttribute("autocomplete", "off");
  input.remove();
});

test("checkboxes and buttons are left alone; forms say autocomplete off", () => {
  const box = document.createElement("input");
  box.type = "checkbox";
  hardenField(box);
  expect(box.hasAttribute("autocomplete")).toBe(false);
  const form = document.createElement("form");
  hardenField(form);
  expect(form).toHaveAttribute("autocomplete", "off");
});

test("the context menu is never shown", () => {
  const event = new MouseEvent("contextmenu", { bubbles: true, cancelable: true, button: 2 });
  document.body.dispatchEvent(event);
  expect(event.defaultPrevented).toBe(true);
});

test.each([
  ["Ctrl+P (print)", { key: "p", ctrlKey: true }],
  ["Ctrl+S (save page)", { key: "s", ctrlKey: true }],
  ["Ctrl+Shift+S (save as)", { key: "S", ctrlKey: true, shiftKey: true }],
  ["Cmd+P", { key: "p", metaKey: true }],
  ["Ctrl+U (view source)", { key: "u", ctrlKey: true }],
  ["Ctrl+O (open)", { key: "o", ctrlKey: true }],
  ["Ctrl+J (downloads)", { key: "j", ctrlKey: true }],
  ["Ctrl+H (history)", { key: "h", ctrlKey: true }],
])("%s does nothing", (_, init) => {
  const seen = vi.fn();
  document.addEventListener("keydown", seen);
  const event = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
  document.body.dispatchEvent(event);
  document.removeEventListener("keydown", seen);
  expect(event.defaultPrevented).toBe(true);
  expect(seen).not.toHaveBeenCalled();
});

test("typing, copying and the app's own shortcuts still work", () => {
  for (const init of [{ key: "p" }, { key: "c", ctrlKey: true }, { key: "v", ctrlKey: true }, { key: "l", ctrlKey: true }, { key: "3", altKey: true }, { key: "p", ctrlKey: true, altKey: true }]) {
    expect(isBlockedShortcut({ ctrlKey: false, metaKey: false, altKey: false, ...init })).toBe(false);
  }
});

test("window.print does nothing (printing goes through the app's PDFs)", () => {
  const before = vi.fn();
  window.addEventListener("beforeprint", before);
  window.print();
  window.removeEventListener("beforeprint", before);
  expect(before).not.toHaveBeenCalled();
});
