// Sign-in at a seat with staff ID and PIN, after the site passphrase has unlocked the store.
// Each sign-in and sign-out is the attendance record; the PIN field is cleared after each try.
import { type FormEvent, useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { Actor } from "../bindings/Actor";
import { errorText, t } from "../i18n";

/** How often the sign-in screen asks whether the roster has arrived. */
const ROSTER_POLL_MS = 2000;

export function SignInScreen({ backend, onSignedIn }: { backend: Backend; onSignedIn: (actor: Actor) => void }) {
  const [code, setCode] = useState("");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [empty, setEmpty] = useState(false);

  // A new seat's roster arrives by sync while it waits here: ask again until it has one, so the
  // "no staff yet" advice (which would make a manager add a second M001) goes away by itself.
  useEffect(() => {
    let alive = true;
    const check = () =>
      void backend.rosterIsEmpty().then(
        (e) => alive && setEmpty(e),
        () => alive && setEmpty(false),
      );
    check();
    const timer = window.setInterval(check, ROSTER_POLL_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, [backend]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      onSignedIn(await backend.signIn(code.trim().toUpperCase(), pin));
    } catch (err) {
      setError(errorText(errorCode(err)));
      setPin("");
    }
  }

  return (
    <section className="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{t("signin.title")}</h1>
      <p className="lead muted">{t("signin.lead")}</p>
      {empty && (
        <>
          <p className="error">{t("signin.emptyRoster")}</p>
          <pre className="command">madoguchi staff add --code M001 --name "氏名" --role manager</pre>
        </>
      )}
      <form onSubmit={submit}>
        <label htmlFor="staff-code">{t("signin.code")}</label>
        <input id="staff-code" name="staffCode" type="text" value={code} onChange={(e) => setCode(e.target.value)} autoFocus autoComplete="off" />
        <label htmlFor="staff-pin" style={{ marginTop: "0.75rem" }}>{t("signin.pin")}</label>
        <input id="staff-pin" name="staffPin" type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" disabled={!code.trim() || !pin}>{t("signin.submit")}</button>
      </form>
    </section>
  );
}
