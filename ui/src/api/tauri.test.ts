// The Tauri backend's `reschedule` sends the arguments the command takes: `site` null when not
// given (the booking stays at its site), the site's code when it moves.
import { invoke } from "@tauri-apps/api/core";
import { tauriBackend } from "./tauri";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(async () => ({})) }));

test("reschedule sends site as null without one, and the site's code with one", async () => {
  await tauriBackend.reschedule("12345678", "2026-12-07", "10:00");
  await tauriBackend.reschedule("12345678", "2026-12-07", "10:15", "ekimae");
  expect(vi.mocked(invoke).mock.calls).toEqual([
    ["reschedule", { number: "12345678", day: "2026-12-07", starts: "10:00", site: null }],
    ["reschedule", { number: "12345678", day: "2026-12-07", starts: "10:15", site: "ekimae" }],
  ]);
});
