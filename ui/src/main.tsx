import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { tauriBackend } from "./api/tauri";
import { installWebViewGuards } from "./privacy";
import { CallDisplayScreen, isDisplayRoute } from "./screens/CallDisplayScreen";
import "./styles.css";

// Before the first screen: no autofill memory, no context menu, no print or save-page keys.
installWebViewGuards(window);

// The second window (label "display", index.html#/display) is the waiting room's call display:
// that screen alone, with no navigation and no sign-in.
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    {isDisplayRoute() ? <CallDisplayScreen backend={tauriBackend} /> : <App backend={tauriBackend} />}
  </StrictMode>,
);
