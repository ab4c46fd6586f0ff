// 呼出表示 in the settings: this PC's call display — the lamp's thresholds (黄・赤, minutes of
// waiting), the chime and the spoken announcement (manager / deputy) — and the display window:
// which monitor it goes on (the first one the primary), open it there or close it. The form
// checks the thresholds itself (noValidate): out of range or yellow not below red gets a
// Japanese sentence, not the browser's bubble, and the backend is not asked.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { DisplaySettings } from "../bindings/DisplaySettings";
import type { Monitors } from "../bindings/Monitors";
import { errorText, t } from "../i18n";

type Part = "settings" | "window";
type Feedback = { part: Part; ok: boolean; text: string };

interface Draft {
  yellow: string;
  red: string;
  chime: boolean;
  voice: boolean;
}

const toDraft = (s: DisplaySettings): Draft => ({ yellow: String(s.yellowMinutes), red: String(s.redMinutes), chime: s.chime, voice: s.voice });

/** A whole number of minutes the lamp takes (1–600), or null. */
function minutes(text: string): number | null {
  const n = Number(text.normalize("NFKC").trim());
  return /^\d+$/.test(text.normalize("NFKC").trim()) && n >= 1 && n <= 600 ? n : null;
}

/** The select's value for the window's monitor ("" when there is no monitor to name). */
function chosenMonitor(m: Monitors): string {
  return m.window.monitor ?? m.names[0] ?? "";
}

export function CallDisplaySettings({ backend }: { backend: Backend }) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [monitors, setMonitors] = useState<Monitors | null>(null);
  const [monitor, setMonitor] = useState("");
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [busy, setBusy] = useState(false);

  const loadMonitors = useCallback(async () => {
    const m = await backend.displayMonitors();
    setMonitors(m);
    setMonitor(chosenMonitor(m));
  }, [backend]);

  useEffect(() => {
    backend.displaySettings().then(
      (s) => setDraft(toDraft(s)),
      (e) => setFeedback({ part: "settings", ok: false, text: errorText(errorCode(e)) }),
    );
    loadMonitors().catch((e) => setFeedback({ part: "window", ok: false, text: errorText(errorCode(e)) }));
  }, [backend, loadMonitors]);

  async function act(part: Part, action: () => Promise<unknown>, okText: string) {
    setBusy(true);
    try {
      await action();
      setFeedback({ part, ok: true, text: okText });
    } catch (e) {
      setFeedback({ part, ok: false, text: errorText(errorCode(e)) });
    } finally {
      setBusy(false);
    }
  }

  function save(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    const yellow = minutes(draft.yellow);
    const red = minutes(draft.red);
    if (yellow === null || red === null) return setFeedback({ part: "settings", ok: false, text: t("displaySettings.range") });
    if (yellow >= red) return setFeedback({ part: "settings", ok: false, text: t("displaySettings.order") });
    void act(
      "settings",
      async () => setDraft(toDraft(await backend.setDisplaySettings({ yellowMinutes: yellow, redMinutes: red, chime: draft.chime, voice: draft.voice }))),
      t("settings.saved"),
    );
  }

  const names = monitors?.names ?? [];
  const missing = monitors?.window.monitor && !names.includes(monitors.window.monitor) ? monitors.window.monitor : null;
  const label = (name: string, i: number) => (i === 0 ? t("displaySettings.primary", { name }) : name);
  const openOn = monitors?.window.monitor ?? names[0] ?? t("displaySettings.noMonitor");
  const message = (part: Part) =>
    feedback?.part === part &&
    (feedback.ok ? (
      <p className="ok" role="status" data-testid={`display-${part}-ok`}>
        {feedback.text}
      </p>
    ) : (
      <p className="error" role="alert" data-testid={`display-${part}-error`}>
        {feedback.text}
      </p>
    ));

  return (
    <section className="settings-block" aria-labelledby="settings-call-display" data-testid="call-display-settings">
      <h2 id="settings-call-display">{t("displaySettings.title")}</h2>
      <p className="small muted hint">{t("displaySettings.lead")}</p>
      {draft && (
        <form data-testid="display-settings-form" id="display-settings-form" noValidate onSubmit={save}>
          <div className="fields">
            <label>
              {t("displaySettings.yellow")}
              <input
                type="number"
                name="displayYellow"
                id="display-yellow"
                min={1}
                max={600}
                step={1}
                inputMode="numeric"
                aria-describedby="display-thresholds-hint"
                value={draft.yellow}
                onChange={(e) => setDraft({ ...draft, yellow: e.target.value })}
              />
            </label>
            <label>
              {t("displaySettings.red")}
              <input
                type="number"
                name="displayRed"
                id="display-red"
                min={1}
                max={600}
                step={1}
                inputMode="numeric"
                aria-describedby="display-thresholds-hint"
                value={draft.red}
                onChange={(e) => setDraft({ ...draft, red: e.target.value })}
              />
            </label>
            <label className="check">
              <input type="checkbox" name="displayChime" id="display-chime" checked={draft.chime} onChange={(e) => setDraft({ ...draft, chime: e.target.checked })} />
              {t("displaySettings.chime")}
            </label>
            <label className="check">
              <input type="checkbox" name="displayVoice" id="display-voice" checked={draft.voice} onChange={(e) => setDraft({ ...draft, voice: e.target.checked })} />
              {t("displaySettings.voice")}
            </label>
          </div>
          <p className="small muted hint" id="display-thresholds-hint">
            {t("displaySettings.thresholdsHint")}
          </p>
          <button type="submit" id="display-settings-save" disabled={busy}>
            {t("settings.save")}
          </button>
          {message("settings")}
        </form>
      )}
      {monitors && (
        <div className="display-window" data-testid="display-window">
          <h3>{t("displaySettings.window")}</h3>
          <div className="fields">
            <label>
              {t("displaySettings.monitor")}
              <select name="displayMonitor" id="display-monitor" data-testid="display-monitor" value={monitor} onChange={(e) => setMonitor(e.target.value)}>
                {names.length === 0 && <option value="">{t("displaySettings.noMonitor")}</option>}
                {names.map((name, i) => (
                  <option key={name} value={name}>
                    {label(name, i)}
                  </option>
                ))}
                {missing && <option value={missing}>{t("displaySettings.missing", { name: missing })}</option>}
              </select>
            </label>
            <button
              type="button"
              id="display-open"
              data-testid="display-open"
              disabled={busy}
              onClick={() => void act("window", async () => {
                await backend.openDisplay(monitor || null);
                await loadMonitors();
              }, t("displaySettings.opened"))}
            >
              {t("displaySettings.open")}
            </button>
            <button
              type="button"
              className="secondary"
              id="display-close"
              data-testid="display-close"
              disabled={busy}
              onClick={() => void act("window", async () => {
                await backend.closeDisplay();
                await loadMonitors();
              }, t("displaySettings.closed"))}
            >
              {t("displaySettings.close")}
            </button>
          </div>
          <p id="display-state" data-testid="display-state" data-open={monitors.window.open} className={monitors.window.open ? "ok" : "muted"}>
            {monitors.window.open ? t("displaySettings.isOpen", { monitor: openOn }) : t("displaySettings.isClosed")}
          </p>
          {message("window")}
        </div>
      )}
    </section>
  );
}
