import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { tauriBackend } from "./api/tauri";
import { installWebViewGuards } from "./privacy";
import "./styles.css";

// Before the first screen: no autofill memory, no context menu, no print or save-page keys.
installWebViewGuards(window);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App backend={tauriBackend} />
  </StrictMode>,
);
