// The Backend over Tauri IPC. Command names and argument names match src-tauri/src/commands.rs.
import { invoke } from "@tauri-apps/api/core";
import type { Backend } from "./backend";

export const tauriBackend: Backend = {
  lockState: () => invoke("lock_state"),
  unlock: (passphrase) => invoke("unlock", { passphrase }),
  storeStatus: () => invoke("store_status"),
  lock: () => invoke("lock"),
};
