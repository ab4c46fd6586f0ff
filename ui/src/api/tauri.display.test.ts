// The call display's commands over Tauri: the argument names the Rust commands take
// (src-tauri/src/commands/waiting.rs): `settings`, `monitor` (null: the primary one), `call`.
import { invoke } from "@tauri-apps/api/core";
import { tauriBackend } from "./tauri";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(async () => ({})) }));

test("the display's commands send the arguments the backend takes", async () => {
  const settings = { yellowMinutes: 15, redMinutes: 30, chime: true, voice: false };
  const call = { number: "1234-5675", seatNo: 3, calledAt: "2026-12-01T10:00:00" };
  await tauriBackend.callDisplay();
  await tauriBackend.displaySettings();
  await tauriBackend.setDisplaySettings(settings);
  await tauriBackend.displayMonitors();
  await tauriBackend.openDisplay(null);
  await tauriBackend.openDisplay("HDMI-1");
  await tauriBackend.closeDisplay();
  await tauriBackend.announce(call);
  expect(vi.mocked(invoke).mock.calls).toEqual([
    ["call_display"],
    ["display_settings"],
    ["set_display_settings", { settings }],
    ["display_monitors"],
    ["open_display", { monitor: null }],
    ["open_display", { monitor: "HDMI-1" }],
    ["close_display"],
    ["announce", { call }],
  ]);
});
