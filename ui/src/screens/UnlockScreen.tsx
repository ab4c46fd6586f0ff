// Unlock the store with the site passphrase. The passphrase lives only in this component's
// state until it is sent, and is cleared after every attempt.
import { type FormEvent, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import { errorText, t } from "../i18n";

interface Props {
  backend: Backend;
  dataDir: string;
  onUnlocked: () => void;
}

export function UnlockScreen({ backend, dataDir, onUnlocked }: Props) {
  const [passphrase, setPassphrase] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!passphrase || busy) return;
    setBusy(true);
    setError(null);
    try {
      await backend.unlock(passphrase);
      onUnlocked();
    } catch (err) {
      setError(errorText(errorCode(err)));
    } finally {
      setPassphrase("");
      setBusy(false);
    }
  }

  return (
    <section className="card narrow" aria-labelledby="unlock-title">
      <h1 id="unlock-title">{t("unlock.title")}</h1>
      <p className="lead">{t("unlock.lead")}</p>
      <form onSubmit={submit}>
        <label htmlFor="passphrase">{t("unlock.passphrase")}</label>
        <input
          id="passphrase"
          name="passphrase"
          type="password"
          autoComplete="off"
          autoFocus
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "unlock-error" : undefined}
        />
        {error && (
          <p id="unlock-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !passphrase}>
          {busy ? t("unlock.busy") : t("unlock.submit")}
        </button>
      </form>
      <p className="muted small">
        {t("unlock.dataDir")}：<code>{dataDir}</code>
      </p>
    </section>
  );
}
