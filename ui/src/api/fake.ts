// An in-memory Backend for component tests.
import type { AppError } from "../bindings/AppError";
import type { StoreStatus } from "../bindings/StoreStatus";
import type { StoreState } from "../bindings/StoreState";
import type { Backend } from "./backend";

export const sampleStatus: StoreStatus = {
  meta: {
    storeId: "0193a1b2-0000-7000-8000-000000000000",
    siteName: "テスト市 特設窓口",
    seatName: "窓口1",
    createdAt: "2026-11-22T09:00:00Z",
  },
  schemaVersion: 1,
  knownSchemaVersion: 1,
  cipherVersion: "4.10.0 community",
  databaseBytes: 65536,
  counts: { applicants: 40 },
};

export class FakeBackend implements Backend {
  state: StoreState;
  constructor(
    readonly passphrase = "correct horse",
    readonly status: StoreStatus = sampleStatus,
    initial: StoreState = "locked",
  ) {
    this.state = initial;
  }
  async lockState() {
    return { state: this.state, dataDir: "/tmp/madoguchi-test" };
  }
  async unlock(passphrase: string) {
    if (passphrase !== this.passphrase) {
      const e: AppError = { code: "wrong_passphrase", message: "wrong passphrase" };
      throw e;
    }
    this.state = "unlocked";
    return this.status;
  }
  async storeStatus() {
    if (this.state !== "unlocked") {
      const e: AppError = { code: "locked", message: "the store is locked" };
      throw e;
    }
    return this.status;
  }
  async lock() {
    this.state = "locked";
  }
}
