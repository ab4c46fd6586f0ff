// A training store's day (研修モード): which day it follows, and the manager's reset, confirmed
// by typing リセット (everything but the roster and the settings goes back to the training day).
import { useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { TrainingState } from "../bindings/TrainingState";
import { errorCode } from "../api/backend";
import { errorText, t } from "../i18n";

const CONFIRM = "リセット";

export function TrainingDayPanel({ backend, manager }: { backend: Backend; manager: boolean }) {
  const [state, setState] = useState<TrainingState | null>(null);
  const [confirm, setConfirm] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void backend.trainingState().then(setState, () => setState(null));
  }, [backend]);

  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      const done = await backend.resetTrainingDay();
      setState(done.state);
      setConfirm("");
      setMessage(t("training.resetDone", { day: done.state.day, bookings: done.bookings }));
    } catch (e) {
      setError(errorText(errorCode(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card training-day" aria-labelledby="training-day-title" data-testid="training-day">
      <h2 id="training-day-title">{t("training.dayTitle")}</h2>
      <p>{state ? t("training.dayFollowed", { day: state.day }) : t("training.neverReset")}</p>
      {manager && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (confirm === CONFIRM && !busy) void reset();
          }}
        >
          <label htmlFor="training-reset-confirm">{t("training.resetConfirm")}</label>
          <input
            id="training-reset-confirm"
            type="text"
            value={confirm}
            autoComplete="off"
            onChange={(e) => setConfirm(e.target.value)}
          />
          <button type="submit" disabled={confirm !== CONFIRM || busy}>
            {t("training.reset")}
          </button>
        </form>
      )}
      {message && <p role="status">{message}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
