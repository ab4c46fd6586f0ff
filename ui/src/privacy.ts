// The WebView keeps nothing (issue 18, docs/threat-model.md "What the WebView stores"):
//
// - every text field gets autocomplete="off" (password fields "new-password", the one value
//   Chromium honours there), autocorrect and autocapitalize off and spellcheck="false", so names
//   and phone numbers do not land in WebView2's autofill database ("Web Data") or a spelling
//   dictionary. A MutationObserver applies it to every field any screen renders, now or later,
//   so a new field cannot forget it; WebView2's general autofill is also off natively
//   (src-tauri, `general_autofill_enabled(false)`).
// - the browser's context menu (save page, print, inspect…) is never shown;
// - print, save-page and the other browser shortcuts (Ctrl+P, Ctrl+S, Ctrl+Shift+S, Ctrl+O,
//   Ctrl+U, Ctrl+J, Ctrl+H) do nothing, and window.print is a no-op: printing goes through the
//   app's own PDFs, which hold no personal data.

/** Input types that hold no typed text (left as they are). */
const NOT_TEXT = new Set(["hidden", "checkbox", "radio", "button", "submit", "reset", "file", "range", "color", "image"]);

/** Ctrl/Cmd + these keys are the browser's print, save, open, view-source, downloads and history. */
const BLOCKED_KEYS = new Set(["p", "s", "o", "u", "j", "h"]);

/** Whether a key press is a browser shortcut the app refuses. */
export function isBlockedShortcut(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && BLOCKED_KEYS.has(e.key.toLowerCase());
}

/** Sets the no-memory attributes on a form, an input or a textarea (others are left alone). */
export function hardenField(el: Element): void {
  if (el instanceof HTMLFormElement) {
    if (el.getAttribute("autocomplete") !== "off") el.setAttribute("autocomplete", "off");
    return;
  }
  const isInput = el instanceof HTMLInputElement && !NOT_TEXT.has(el.type);
  if (!isInput && !(el instanceof HTMLTextAreaElement)) return;
  const wanted: Record<string, string> = {
    autocomplete: el instanceof HTMLInputElement && el.type === "password" ? "new-password" : "off",
    autocorrect: "off",
    autocapitalize: "off",
    spellcheck: "false",
  };
  for (const [name, value] of Object.entries(wanted)) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
}

function hardenTree(root: ParentNode & Node): void {
  if (root instanceof Element) hardenField(root);
  root.querySelectorAll("form, input, textarea").forEach(hardenField);
}

/** Installs the guards on `win` (the app calls it once); returns what removes them (tests). */
export function installWebViewGuards(win: Window = window): () => void {
  const doc = win.document;
  const onContextMenu = (e: Event) => e.preventDefault();
  const onKeyDown = (e: KeyboardEvent) => {
    if (isBlockedShortcut(e)) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  win.addEventListener("contextmenu", onContextMenu, { capture: true });
  win.addEventListener("keydown", onKeyDown, { capture: true });
  const print = win.print;
  win.print = () => {};

  hardenTree(doc.documentElement);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") {
        hardenField(r.target as Element);
      } else {
        r.addedNodes.forEach((n) => {
          if (n.nodeType === 1) hardenTree(n as Element);
        });
      }
    }
  });
  // A field whose type changes (text ↔ password) or whose attributes React resets is redone.
  observer.observe(doc.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["type", "autocomplete", "spellcheck", "autocorrect", "autocapitalize"],
  });

  return () => {
    observer.disconnect();
    win.removeEventListener("contextmenu", onContextMenu, { capture: true });
    win.removeEventListener("keydown", onKeyDown, { capture: true });
    win.print = print;
  };
}
