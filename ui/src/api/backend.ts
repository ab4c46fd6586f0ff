// The seam in front of IPC: components talk to a Backend, never to Tauri directly, so they can
// be tested with a fake (vitest) and run for real in the desktop window.
import type { AppError } from "../bindings/AppError";
import type { LockState } from "../bindings/LockState";
import type { StoreStatus } from "../bindings/StoreStatus";

export interface Backend {
  lockState(): Promise<LockState>;
  unlock(passphrase: string): Promise<StoreStatus>;
  storeStatus(): Promise<StoreStatus>;
  lock(): Promise<void>;
}

/** True if `e` has the `{ code, message }` shape every command error has. */
export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** The error code of anything a Backend call threw. */
export function errorCode(e: unknown): string {
  return isAppError(e) ? String(e.code) : "unknown";
}
